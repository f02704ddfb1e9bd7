using MachineGrid.Grains;
using MachineGrid.Runtime;
using MachineGrid.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// A silo with the domain grains in this process on durable storage and the real clock, plus a fleet: groups of desktop
/// (or server) machines with live agents, one credential per machine session through a mapping per group, and one connection per
/// group that runs are submitted through.
/// </summary>
public sealed class InProcessGrid : IAsyncDisposable
{
    /// <summary>The password every group is joined with.</summary>
    public const string Password = "benchmark password";

    private readonly TestSilo silo;

    private InProcessGrid(TestSilo silo, Actor owner)
    {
        this.silo = silo;
        Owner = owner;
    }

    /// <summary>Who creates everything and submits runs.</summary>
    public Actor Owner { get; }

    /// <summary>Grain references.</summary>
    public IGrainFactory Grains => silo.GrainFactory;

    /// <summary>The silo's assignment signals, which wake long-polling agents.</summary>
    public AssignmentSignals Signals => silo.Services.GetRequiredService<AssignmentSignals>();

    /// <summary>The connection of each group.</summary>
    public IReadOnlyList<string> Connections { get; private set; } = [];

    /// <summary>Every machine of the fleet.</summary>
    public IReadOnlyList<string> Machines { get; private set; } = [];

    /// <summary>Starts the silo on the storage and builds the fleet the options describe.</summary>
    public static async Task<InProcessGrid> StartAsync(LifecycleOptions options, BenchStorage storage)
    {
        IServiceCollection? services = null;
        var silo = await TestSilo.StartAsync(
            runtime =>
            {
                if (storage.InMemory)
                {
                    runtime.UseInMemoryStorage();
                }
                else if (storage.Postgres is { } postgres)
                {
                    runtime.UsePostgres(postgres);
                }
                else
                {
                    runtime.UseSqlite(storage.SqlitePath);
                }
                services!.AddMachineGridGrains(runtime, storage.KeysPath, o => o.PasswordIterations = 1_000);
            },
            TimeProvider.System,
            s => services = s);
        var grid = new InProcessGrid(silo, new Actor("p-bench-owner", "bench owner", EnvironmentRoles.MachineOwner));
        var fleets = await Task.WhenAll(Enumerable.Range(0, options.Groups).Select(g => grid.AddGroupAsync(g, options)));
        grid.Connections = [.. fleets.Select(f => f.Connection)];
        grid.Machines = [.. fleets.SelectMany(f => f.Machines)];
        return grid;
    }

    /// <summary>Reports every machine's agent alive (nothing is written unless something changed).</summary>
    public Task HeartbeatAllAsync() => Task.WhenAll(Machines.Select(Heartbeat));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => silo.DisposeAsync();

    private Task<MachineView> Heartbeat(string machineId) =>
        Grains.GetGrain<IMachineGrain>(machineId).Heartbeat(new AgentHeartbeat($"agent-{machineId}", $"fp-{machineId}", []));

    private async Task<(string Connection, string[] Machines)> AddGroupAsync(int number, LifecycleOptions options)
    {
        var groupId = Ids.New("g");
        await Grains.GetGrain<IMachineGroupGrain>(groupId).Create(Owner, new CreateGroup($"bench-group-{number}", null));
        var kind = options.Sessions > 1 ? MachineKind.Server : MachineKind.Desktop;
        var machines = new string[options.MachinesPerGroup];
        var credentials = new string[options.MachinesPerGroup][];
        for (var i = 0; i < machines.Length; i++)
        {
            var machineId = machines[i] = Ids.New("m");
            var machine = Grains.GetGrain<IMachineGrain>(machineId);
            await machine.Register(Owner, new RegisterMachine($"bench-{number}-{i}", null, kind, options.Sessions, "bench", "Linux", $"fp-{machineId}"));
            await machine.JoinGroup(Owner, groupId, Password);
            await Heartbeat(machineId);
            // One credential per session: an unattended run needs a user that is not busy on the machine.
            credentials[i] = new string[options.Sessions];
            for (var s = 0; s < options.Sessions; s++)
            {
                credentials[i][s] = Ids.New("cred");
                await Grains.GetGrain<ICredentialGrain>(credentials[i][s]).Create(Owner,
                    new CreateCredential($"robot {number}-{i}-{s}", $"robot-{number}-{i}-{s}", CredentialStore.Local, $"secret-{number}-{i}-{s}", null, true));
            }
        }
        var mappingId = Ids.New("map");
        await Grains.GetGrain<IMachineMappingGrain>(mappingId).Create(Owner, new CreateMapping($"bench-mapping-{number}", null, credentials[0][0],
            [.. machines.Select((m, i) => new MachineCredentials(m, credentials[i]))]));
        var connectionId = Ids.New("conn");
        await Grains.GetGrain<IConnectionGrain>(connectionId).Create(Owner,
            new CreateConnection($"bench-connection-{number}", new ConnectionTarget(null, groupId), null, mappingId));
        return (connectionId, machines);
    }
}
