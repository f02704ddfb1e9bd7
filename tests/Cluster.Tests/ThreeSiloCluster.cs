using System.Collections.Concurrent;
using System.Reflection;
using MachineGrid.Gateway;
using MachineGrid.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Core.Internal;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace MachineGrid.Cluster.Tests;

/// <summary>
/// Three Orleans silos in this process on one PostgreSQL database, as <c>src/Silo</c> runs them: our grain storage,
/// reminder table and membership table (TestingHost's in-memory membership is switched off), the grains, and in every
/// silo host what its co-hosted gateway adds (<see cref="GatewayExtensions.AddMachineGridGateway"/>: key authentication
/// and revocation, event tickets and broadcaster, bootstrap admin). Real time throughout.
/// </summary>
public sealed class ThreeSiloCluster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, StringWriter> consoles;
    private int disposed;

    private ThreeSiloCluster(InProcessTestCluster cluster, string connectionString, ConcurrentDictionary<string, StringWriter> consoles)
    {
        Cluster = cluster;
        ConnectionString = connectionString;
        this.consoles = consoles;
    }

    /// <summary>The test cluster, for what the tests need of Orleans itself (finding, deactivating or killing).</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The database the silos share.</summary>
    public string ConnectionString { get; }

    /// <summary>The cluster id the silos write their membership rows under.</summary>
    public string ClusterId => Cluster.Options.ClusterId;

    /// <summary>The running silos, in start order.</summary>
    public IReadOnlyList<SiloNode> Silos => [.. Cluster.Silos.Select(s => new SiloNode(s, Cluster.GetSiloServiceProvider(s.SiloAddress)))];

    /// <summary>What each silo's bootstrap admin printed to its console, by silo name.</summary>
    public IReadOnlyDictionary<string, string> BootstrapConsoles => consoles.ToDictionary(c => c.Key, c => c.Value.ToString());

    /// <summary>Starts three silos together on the database and waits until each sees the other two.</summary>
    public static async Task<ThreeSiloCluster> StartAsync(string connectionString, Action<ISiloBuilder>? configure = null)
    {
        var consoles = new ConcurrentDictionary<string, StringWriter>();
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        UseOurMembership(builder.Options);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMachineGridStorage(o => o.UsePostgres(connectionString).UseGridStateJson());
            silo.AddMachineGridGrains(configure: o => o.PasswordIterations = 1_000);
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            configure?.Invoke(silo);
        });
        // After the silo, as in src/Silo: the gateway's hosted services call grains once the silo has started.
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Services.AddSingleton(new StorageDescription("PostgreSQL"));
            host.Services.AddSingleton<TextWriter>(consoles.GetOrAdd(options.SiloName, _ => new StringWriter()));
            host.Services.AddMachineGridGateway();
        });
        builder.ConfigureClient(client =>
        {
            client.UseMachineGridGateways(connectionString);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var cluster = await builder.BuildAndDeployAsync();
        return new ThreeSiloCluster(cluster, connectionString, consoles);
    }

    /// <summary>
    /// Turns off TestingHost's in-memory membership table, which it would register after ours in every silo (so it would
    /// win), with its gateway list in the client and its grain directory that trusts only that table. The switch is
    /// internal in 10.4.2, hence reflection; the membership test proves the silos really use our table.
    /// </summary>
    private static void UseOurMembership(InProcessTestClusterOptions options)
    {
        const string Switch = "UseTestClusterMembership";
        var property = typeof(InProcessTestClusterOptions).GetProperty(Switch, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{nameof(InProcessTestClusterOptions)} has no {Switch} any more: find the new way to keep TestingHost's membership out.");
        property.SetValue(options, false);
    }

    /// <summary>The silo the grain is activated on; null when it is not active anywhere.</summary>
    public SiloAddress? WhereIs(IAddressable grain) =>
        Cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    /// <summary>
    /// Runs <paramref name="call"/> with a placement hint for <paramref name="silo"/>, so a grain it activates is placed
    /// there. The hint travels with the call, so grains activated further down the call also go there.
    /// </summary>
    public static async Task<T> PlacedOn<T>(SiloNode silo, Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.Address);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>
    /// Moves the grain's activation to <paramref name="target"/>, asked through the target's own client (which the grains
    /// trust), and waits until it is active there. The new activation is a new object: only the grain's state moves.
    /// </summary>
    public async Task MigrateAsync(IAddressable grain, SiloNode target)
    {
        var management = target.Grains.GetGrain(grain.GetGrainId()).AsReference<IGrainManagementExtension>();
        await PlacedOn(target, async () =>
        {
            await management.MigrateOnIdle();
            return true;
        });
        await Eventually.True(() => target.Address.Equals(WhereIs(grain)), $"{grain.GetGrainId()} moved to {target}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>One silo and the gateway co-hosted in it: what a request "through this silo" uses.</summary>
public sealed class SiloNode(InProcessSiloHandle handle, IServiceProvider services)
{
    /// <summary>The silo's address.</summary>
    public SiloAddress Address => handle.SiloAddress;

    /// <summary>The silo's name.</summary>
    public string Name => handle.Name;

    /// <summary>The silo host's services.</summary>
    public IServiceProvider Services { get; } = services;

    /// <summary>The silo's own client, which the grains trust as they trust its co-hosted gateway.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IClusterClient>();

    /// <summary>The gateway's key authentication.</summary>
    public KeyAuthenticator Keys => Services.GetRequiredService<KeyAuthenticator>();

    /// <summary>The gateway's event-stream tickets.</summary>
    public EventTickets Tickets => Services.GetRequiredService<EventTickets>();

    /// <summary>The handle, for killing the silo.</summary>
    public InProcessSiloHandle Handle => handle;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";
}
