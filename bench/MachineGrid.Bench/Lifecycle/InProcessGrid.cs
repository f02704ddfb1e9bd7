using MachineGrid.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// An Orleans silo with the domain grains in this process, wired as the silo program wires it (<see cref="BenchSilo"/>)
/// on durable storage and the real clock, without the gateway, plus a fleet: groups of desktop (or server) machines with
/// live agents, one credential per machine session through a mapping per group, and one connection per group that runs
/// are submitted through. Grains are called through the co-hosted silo's <see cref="IClusterClient"/>.
/// </summary>
public sealed class InProcessGrid : IAsyncDisposable
{
    /// <summary>The password every group is joined with.</summary>
    public const string Password = "benchmark password";

    private readonly IHost host;

    private InProcessGrid(IHost host, Actor owner, GrainCallCounter? calls)
    {
        this.host = host;
        Owner = owner;
        Calls = calls;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Who creates everything and submits runs.</summary>
    public Actor Owner { get; }

    /// <summary>Grain references, through the silo's co-hosted client.</summary>
    public IClusterClient Grains { get; }

    /// <summary>Counts grain calls per type when profiling; null otherwise.</summary>
    public GrainCallCounter? Calls { get; }

    /// <summary>The connection of each group.</summary>
    public IReadOnlyList<string> Connections { get; private set; } = [];

    /// <summary>Every machine of the fleet.</summary>
    public IReadOnlyList<string> Machines { get; private set; } = [];

    /// <summary>Starts the silo on the storage and builds the fleet the options describe.</summary>
    public static async Task<InProcessGrid> StartAsync(LifecycleOptions options, BenchStorage storage)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        var calls = options.Profile ? new GrainCallCounter() : null;
        BenchSilo.Configure(builder, storage, calls);
        var host = builder.Build();
        await host.StartAsync();
        var grid = new InProcessGrid(host, new Actor("p-bench-owner", "bench owner", EnvironmentRoles.MachineOwner), calls);
        try
        {
            var fleets = await Task.WhenAll(Enumerable.Range(0, options.Groups).Select(g => grid.AddGroupAsync(g, options)));
            grid.Connections = [.. fleets.Select(f => f.Connection)];
            grid.Machines = [.. fleets.SelectMany(f => f.Machines)];
        }
        catch
        {
            await grid.DisposeAsync();
            throw;
        }
        return grid;
    }

    /// <summary>Reports every machine's agent alive (nothing is written unless something changed).</summary>
    public Task HeartbeatAllAsync() => Task.WhenAll(Machines.Select(Heartbeat));

    /// <summary>Activations per grain type, from Orleans' management grain.</summary>
    public Task<string> DescribeActivationsAsync() => BenchSilo.DescribeActivationsAsync(Grains);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

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
