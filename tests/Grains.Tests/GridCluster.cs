using MachineGrid.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace MachineGrid.Grains.Tests;

/// <summary>
/// A one-silo Orleans test cluster with the domain grains on a SQLite file under a data folder, on a
/// <see cref="FakeTimeProvider"/>: grain timers, grain-side time and reminders follow the fake clock, while Orleans'
/// own background loops stay on real time. Grains are called through the cluster's client.
/// </summary>
public sealed class GridCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster cluster;
    private readonly CrashableGrainStorage.Fence fence;
    private int disposed;

    private GridCluster(InProcessTestCluster cluster, CrashableGrainStorage.Fence fence, string dataDirectory, FakeTimeProvider clock)
    {
        this.cluster = cluster;
        this.fence = fence;
        DataDirectory = dataDirectory;
        Clock = clock;
    }

    /// <summary>The folder of the silo's database and keys.</summary>
    public string DataDirectory { get; }

    /// <summary>The clock of the grains and reminders; advance it to make deadlines fall due.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Grain references, through the cluster's client.</summary>
    /// <summary>
    /// The silo's own client: tests call grains with made-up actors, as the co-hosted gateway does, which the silo trusts;
    /// an outside client must prove its actor with an API key (tests/GrainClient.Tests).
    /// </summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IClusterClient>();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => cluster.GetSiloServiceProvider();

    /// <summary>The test cluster, for what the tests need of Orleans itself (deactivating a grain).</summary>
    public InProcessTestCluster Cluster => cluster;

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "grid.db");

    /// <summary>A fake clock starting at 2030-01-01 UTC, as the tests' clocks always have.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Starts a cluster on the folder's database (reuse the folder and clock to simulate a restart).</summary>
    public static async Task<GridCluster> StartAsync(string dataDirectory, FakeTimeProvider? clock = null, Action<GridOptions>? configure = null)
    {
        clock ??= NewClock();
        var fence = new CrashableGrainStorage.Fence();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMachineGridStorage(o => o.UseSqlite(Path.Combine(dataDirectory, "grid.db")).UseGridStateJson());
            silo.AddMachineGridGrains(Path.Combine(dataDirectory, "keys"), o =>
            {
                o.PasswordIterations = 1_000;
                configure?.Invoke(o);
            });
            var services = silo.Services;
            CrashableGrainStorage.Install(services, fence);
            // Grains (and grain timers, through the Grains area) read the fake clock...
            services.AddSingleton<TimeProvider>(clock);
            // ...Orleans' own maintenance loops stay on real time, so advancing the clock never runs them inline...
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            // ...and reminders follow the fake clock too (an exact key wins over the catch-all above).
            services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, clock);
            // The group's backstop reminder runs at the minimum period; a second keeps it close to its deadlines.
            services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            // Orleans does not detect deadlocks: a call cycle fails at the response timeout, so keep it short.
            services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)));
        var cluster = await builder.BuildAndDeployAsync();
        return new GridCluster(cluster, fence, dataDirectory, clock);
    }

    /// <summary>
    /// Kills the silo as a crash would, so nothing it holds in memory is written: grain state writes are fenced off
    /// first (see <see cref="CrashableGrainStorage"/>), then Orleans kills the silo. Orleans
    /// still disposes the killed silo's host, and with it the storage, which lets go of the database's lock file
    /// (<c>grid.db.lock</c>); in a real crash the operating system would. The lock is then checked free before this
    /// returns, so a new cluster can open the same folder at once.
    /// </summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }
        fence.Crash();
        try
        {
            foreach (var silo in cluster.Silos.ToList())
            {
                await cluster.KillSiloAsync(silo);
            }
        }
        catch (OperationCanceledException)
        {
            // A kill stops the host with a cancelled token; stages that notice it throw, and the host is disposed anyway.
        }
        await cluster.DisposeAsync();
        await Eventually.True(LockIsFree, $"the killed silo released {DatabasePath}.lock");
    }

    /// <summary>Stops the silo gracefully: every activation is deactivated and writes its changed state.</summary>
    public ValueTask StopAsync() => DisposeAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await cluster.DisposeAsync();
        }
    }

    private bool LockIsFree()
    {
        try
        {
            using var _ = new FileStream(DatabasePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
