using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;

namespace MachineGrid.Cluster.Tests;

/// <summary>
/// A silo killed as in a crash: a machine grain that lived on it comes back on a survivor with the state it last
/// committed, woken there by its own liveness reminder. A cluster of its own, with fast failure detection.
/// </summary>
public sealed class SiloFailureTests : IAsyncLifetime
{
    private static readonly TimeSpan MachineOfflineAfter = TimeSpan.FromSeconds(5);
    private PostgresServer? server;
    private ThreeSiloCluster? cluster;

    private ThreeSiloCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync()
    {
        server = await PostgresServer.StartAsync();
        cluster = await ThreeSiloCluster.StartAsync(await server.CreateDatabaseAsync(), silo =>
        {
            silo.Services.Configure<GridOptions>(o => o.MachineOfflineAfter = MachineOfflineAfter);
        });
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_machine_on_a_killed_silo_reactivates_on_a_survivor_with_its_committed_state_and_its_reminder_fires_there()
    {
        var (survivor, victim) = (Cluster.Silos[0], Cluster.Silos[2]);
        var fleet = new Fleet(Cluster, Actors.Owner());
        var groupId = await fleet.CreateGroupOnAsync(survivor);
        // Online from this heartbeat, committed with its liveness reminder: silent from now on, it is due offline.
        var machineId = await fleet.AddMachineOnAsync(victim, groupId);
        var machine = survivor.Grains.GetGrain<IMachineGrain>(machineId);
        Assert.Equal(victim.Address, Cluster.WhereIs(machine));
        var reminders = survivor.Services.GetRequiredService<IReminderTable>();
        Assert.Equal(["liveness"], (await reminders.ReadRows(machine.GetGrainId())).Reminders.Select(r => r.ReminderName));

        await KillAsync(victim);

        await Eventually.True(() => Cluster.WhereIs(machine) is not null, $"{machineId} was activated again, by its reminder, nothing else calling it");
        var host = Cluster.WhereIs(machine);
        Assert.Contains(host, Cluster.Silos.Select(s => s.Address));
        Assert.NotEqual(victim.Address, host);
        var group = survivor.Grains.GetGrain<IMachineGroupGrain>(groupId);
        await Eventually.True(async () => (await group.GetMachines(fleet.Owner)).Single().Online == false, $"the reminder took {machineId} offline and told its group");
        // A silent machine's reminder ends itself once it has taken the machine offline.
        await Eventually.True(async () => (await reminders.ReadRows(machine.GetGrainId())).Reminders.Count == 0, $"the liveness reminder of {machineId} was unregistered");
        var view = await machine.Get(fleet.Owner);
        Assert.Equal(MachineStatus.Offline, view.Status);
        Assert.Equal(groupId, view.GroupId);
        Assert.Equal($"machine-{machineId}", view.Name);
        Assert.NotNull(view.LastHeartbeat);
        Assert.Equal(host, Cluster.WhereIs(machine));
    }

    private async Task KillAsync(SiloNode victim)
    {
        try
        {
            await Cluster.Cluster.KillSiloAsync(victim.Handle);
        }
        catch (OperationCanceledException)
        {
            // A kill stops the host with a cancelled token; stages that notice it throw, and the host is disposed anyway.
        }
        Assert.DoesNotContain(victim.Address, Cluster.Silos.Select(s => s.Address));
    }
}
