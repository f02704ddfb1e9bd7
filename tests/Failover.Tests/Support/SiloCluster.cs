using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace MachineGrid.Failover.Tests;

/// <summary>
/// Silo processes of one cluster on one throwaway PostgreSQL database (same connection string, same default cluster id).
/// The first silo starts alone and prints the bootstrap admin key; the others join it. Each silo gets a silo port chosen
/// here, so the membership's addresses (<c>S127.0.0.1:port:generation</c>) tell which process is which, and a restart
/// with the same arguments is the same silo coming back.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    private const string BootstrapKeyLine = "Bootstrap admin API key (shown once): ";

    private readonly PostgresServer postgres;
    private readonly string folder;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly List<ClusterSilo> silos = [];

    private SiloCluster(PostgresServer postgres, string database, string folder, IReadOnlyDictionary<string, string> environment)
    {
        this.postgres = postgres;
        Database = database;
        this.folder = folder;
        this.environment = environment;
    }

    public string Database { get; }

    public string AdminKey { get; private set; } = "";

    public IReadOnlyList<ClusterSilo> Silos => silos;

    /// <summary>Starts PostgreSQL and <paramref name="size"/> silos with <paramref name="environment"/>; returns once every one listens.</summary>
    public static async Task<SiloCluster> StartAsync(int size, IReadOnlyDictionary<string, string> environment)
    {
        var postgres = await PostgresServer.StartAsync();
        var cluster = new SiloCluster(postgres, await postgres.CreateDatabaseAsync(), Directory.CreateTempSubdirectory("machinegrid-failover-").FullName, environment);
        for (var index = 0; index < size; index++)
        {
            var port = FreePort();
            cluster.silos.Add(new ClusterSilo(index, port, Path.Combine(cluster.folder, $"silo-{index + 1}"),
                ["--postgres", cluster.Database, "--data", Path.Combine(cluster.folder, $"silo-{index + 1}", "data"), "--silo-port", port.ToString(CultureInfo.InvariantCulture)]));
        }
        await cluster.silos[0].StartAsync(environment);
        await Wait.UntilAsync(() => Task.FromResult(cluster.silos[0].Process!.Output.Contains(BootstrapKeyLine, StringComparison.Ordinal)),
            "the first silo printed the bootstrap admin key", TimeSpan.FromSeconds(60));
        var line = cluster.silos[0].Process!.Output.Split('\n').First(l => l.Contains(BootstrapKeyLine, StringComparison.Ordinal));
        cluster.AdminKey = line[(line.IndexOf(BootstrapKeyLine, StringComparison.Ordinal) + BootstrapKeyLine.Length)..].Trim();
        await Task.WhenAll(cluster.silos.Skip(1).Select(silo => silo.StartAsync(environment)));
        return cluster;
    }

    /// <summary>Starts a crashed silo again with the arguments it had.</summary>
    public Task RestartAsync(ClusterSilo silo) => silo.StartAsync(environment);

    /// <summary>An HTTP client for <paramref name="silo"/>'s gateway with the admin key.</summary>
    public HttpClient AdminHttp(ClusterSilo silo)
    {
        var http = new HttpClient { BaseAddress = silo.Gateway, Timeout = TimeSpan.FromSeconds(40) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return http;
    }

    /// <summary>The silo ports of the silos Orleans' membership lists as Active, as <paramref name="silo"/>'s gateway reports them (<c>GET /api/v1/stats</c>).</summary>
    public async Task<IReadOnlySet<int>> ActiveSiloPortsAsync(ClusterSilo silo)
    {
        using var http = AdminHttp(silo);
        using var stats = JsonDocument.Parse(await http.GetStringAsync("api/v1/stats"));
        return stats.RootElement.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "Active")
            .SelectMany(s => s.GetProperty("addresses").EnumerateArray())
            .Select(address => PortOf(address.GetString()!))
            .ToHashSet();
    }

    /// <summary>
    /// Activations of the grain type whose name contains <paramref name="grainClass"/>, per silo port, from Orleans'
    /// dashboard (<c>/orleans/DashboardCounters</c>) as <paramref name="silo"/>'s gateway serves it.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, long>> ActivationsAsync(ClusterSilo silo, string grainClass)
    {
        using var http = AdminHttp(silo);
        using var counters = JsonDocument.Parse(await http.GetStringAsync("orleans/DashboardCounters"));
        var activations = new Dictionary<int, long>();
        foreach (var stat in counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray())
        {
            if (stat.GetProperty("grainType").GetString() is { } type && type.Contains(grainClass, StringComparison.Ordinal))
            {
                var port = PortOf(stat.GetProperty("siloAddress").GetString()!);
                activations[port] = activations.GetValueOrDefault(port) + stat.GetProperty("activationCount").GetInt64();
            }
        }
        return activations;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
        await postgres.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The port of a silo address as Orleans prints it (<c>S127.0.0.1:11111:123456789</c>) or its dashboard does (<c>127.0.0.1:11111@123456789</c>).</summary>
    private static int PortOf(string siloAddress) =>
        int.Parse(siloAddress.Split(':')[1].Split('@')[0], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One silo process of the cluster; it keeps its arguments (and so its silo port and data folder) across restarts.</summary>
internal sealed class ClusterSilo(int index, int siloPort, string workingDirectory, IReadOnlyList<string> arguments) : IAsyncDisposable
{
    public int Index { get; } = index;

    public int SiloPort { get; } = siloPort;

    public SiloProcess? Process { get; private set; }

    /// <summary>Its gateway's base address (a restart listens on a new one).</summary>
    public Uri Gateway => Process?.Address ?? throw new InvalidOperationException($"Silo {Name} is not running.");

    public string Name => $"silo {Index + 1} (port {SiloPort})";

    public async Task StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }
        Directory.CreateDirectory(workingDirectory);
        Process = await SiloProcess.StartAsync(workingDirectory, arguments, environment);
    }

    /// <summary>SIGKILL: no stop, no flush, no goodbye to the membership table.</summary>
    public void Crash() => Process!.Crash();

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }
    }
}
