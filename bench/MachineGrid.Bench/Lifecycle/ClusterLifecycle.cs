using System.Diagnostics;
using System.Globalization;
using MachineGrid.Client;
using MachineGrid.Gateway.Tests;


namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// <c>lifecycle --mode cluster --silos N</c>: N silo processes (the real <c>src/Silo</c> program) on one PostgreSQL
/// database, driven over HTTP from this process. Agents are spread over the gateways round-robin, and so are the
/// submitters, so most requests reach a silo that does not hold the grain. Besides the usual figures it reports the CPU
/// each part used per lifecycle (silos, this driver, PostgreSQL), which is where a cluster on one machine pays for its
/// messaging.
/// </summary>
public static class ClusterLifecycle
{
    public static async Task RunAsync(LifecycleOptions options)
    {
        await using var storage = await BenchStorage.CreateAsync(options);
        var adminKey = "mgk_bench_admin_" + Guid.NewGuid().ToString("N");
        Console.Error.WriteLine($"Starting {options.Silos} silo process(es) on {storage.Describe()}...");
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < options.Silos; i++)
            {
                silos.Add(await SiloProcess.StartAsync(storage.Folder, ["--postgres", storage.Postgres!], new Dictionary<string, string>
                {
                    ["MACHINEGRID__BOOTSTRAPADMINKEY"] = adminKey,
                    ["MACHINEGRID__LIMITS__PASSWORDITERATIONS"] = "1000",
                    ["Logging__LogLevel__Default"] = "Warning",
                    ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
                }));
            }
            await MeasureAsync(options, storage, silos, adminKey);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.StopAsync();
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task MeasureAsync(LifecycleOptions options, BenchStorage storage, List<SiloProcess> silos, string adminKey)
    {
        var clients = silos.Select(silo => HttpSystem.CreateClient(silo.Address)).ToList();
        var admins = clients.Select(http => new MachineGridClient(http, adminKey)).ToList();
        Console.Error.WriteLine($"Provisioning {options.Machines} machines...");
        var fleet = await HttpFleet.ProvisionAsync(admins[0], options);
        var tracker = new RunTracker(options.Warmup + options.Runs);
        var agents = fleet.Machines.Select((m, i) => new HttpAgent(clients[i % clients.Count], m.Key, m.Fingerprint, options.Sessions, tracker)).ToList();
        using var stop = new CancellationTokenSource();
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (agent, ct) => await agent.HeartbeatAsync(ct));
        var working = Task.WhenAll(agents.Select(a => a.RunAsync(stop.Token)));
        var heartbeats = HttpLifecycle.HeartbeatLoopAsync(agents, stop.Token);
        Task Submit(int ticket) => admins[ticket % admins.Count].SubmitRunAsync(
            new SubmitRunRequest(fleet.Connections[ticket % fleet.Connections.Count], RunTracker.FlowId(ticket)));

        await LifecycleDriver.RunAsync(tracker, 0, options.Warmup, options.Concurrency, Submit, "warm-up");
        var before = CpuSnapshot.Take(silos);
        var messagesBefore = await MessageCount.ScrapeAsync(clients);
        var wall = await LifecycleDriver.RunAsync(tracker, options.Warmup, options.Runs, options.Concurrency, Submit, "measure");
        var cpu = CpuSnapshot.Take(silos) - before;
        var messages = await MessageCount.ScrapeAsync(clients) - messagesBefore;
        await stop.CancelAsync();
        await working;
        await heartbeats;
        var perLifecycle = cpu.PerLifecycleMs(options.Runs);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"""
              cpu        {cpu.Total / wall.TotalSeconds * 100:F0}% of {Environment.ProcessorCount * 100}% busy; per lifecycle: silos {perLifecycle.Silos:F2} ms, driver {perLifecycle.Driver:F2} ms, PostgreSQL {perLifecycle.Postgres:F2} ms
              messages   per lifecycle: {messages.Remote / options.Runs:F1} between silos, {messages.Local / options.Runs:F1} within a silo
            """);
        LifecycleReport.Print("lifecycle", options, storage.Describe(), tracker, options.Warmup, options.Runs, wall, summary, new Dictionary<string, object>
        {
            ["silos"] = options.Silos,
            ["cpuBusyPercent"] = Math.Round(cpu.Total / wall.TotalSeconds * 100, 0),
            ["siloCpuMsPerRun"] = Math.Round(perLifecycle.Silos, 3),
            ["driverCpuMsPerRun"] = Math.Round(perLifecycle.Driver, 3),
            ["postgresCpuMsPerRun"] = Math.Round(perLifecycle.Postgres, 3),
            ["remoteMessagesPerRun"] = Math.Round(messages.Remote / options.Runs, 2),
            ["localMessagesPerRun"] = Math.Round(messages.Local / options.Runs, 2),
        });
        foreach (var admin in admins)
        {
            admin.Dispose();
        }
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>Orleans' messages sent by all silos so far, from their <c>/metrics</c>: over the network, and within a silo.</summary>
    private sealed record MessageCount(double Remote, double Local)
    {
        public static async Task<MessageCount> ScrapeAsync(IEnumerable<HttpClient> silos)
        {
            var scrapes = await Task.WhenAll(silos.Select(async http => new PrometheusText(await http.GetStringAsync("metrics"))));
            return new MessageCount(
                scrapes.Sum(s => s.Sum("orleans_messaging_sent_messages_size_bytes_count")),
                scrapes.Sum(s => s.Sum("orleans_messaging_sent_local_total")));
        }

        public static MessageCount operator -(MessageCount after, MessageCount before) => new(after.Remote - before.Remote, after.Local - before.Local);
    }

    private sealed record CpuSnapshot(double Silos, double Driver, double Postgres)
    {
        public double Total => Silos + Driver + Postgres;

        public static CpuSnapshot Take(IEnumerable<SiloProcess> silos) => new(
            silos.Sum(silo => ProcessCpu.Seconds(silo.ProcessId)),
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            ProcessCpu.SecondsOfCommand("postgres"));

        public static CpuSnapshot operator -(CpuSnapshot after, CpuSnapshot before) =>
            new(after.Silos - before.Silos, after.Driver - before.Driver, after.Postgres - before.Postgres);

        public CpuSnapshot PerLifecycleMs(int runs) => new(Silos * 1000 / runs, Driver * 1000 / runs, Postgres * 1000 / runs);
    }
}
