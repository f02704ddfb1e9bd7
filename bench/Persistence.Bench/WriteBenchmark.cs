using System.Diagnostics;
using System.Globalization;
using MachineGrid.Persistence.Grains;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;

namespace MachineGrid.Persistence.Bench;

/// <summary>
/// Durable grain-state writes through <see cref="IGrainStorage"/> (<see cref="JsonGrainStorage"/> over a
/// <see cref="MachineGridStore"/>): N writers, each its own grain, each writing its ~200-byte JSON state with the
/// ETag of its last write and waiting for it, again and again. Every mode runs in every round, interleaved, on a
/// fresh store; the summary is the median over the rounds.
/// </summary>
internal static class WriteBenchmark
{
    private const string StateName = "status";
    private const int ServerMaxConnections = 200;

    public static async Task RunAsync(Arguments args)
    {
        var databases = args.Choices("databases", ["sqlite", "postgres"], "sqlite", "postgres").Select(Parse).ToArray();
        var writerCounts = args.Numbers("writers", 256, 1024);
        var modes = args.Choices("group-commit", ["on", "off"], "on", "off").Select(mode => mode == "on").ToArray();
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 3));
        var duration = TimeSpan.FromSeconds(args.Number("duration", 10));
        var repeat = args.Number("repeat", 3);
        var pool = args.Number("pool", new StorageOptions().MaxPoolSize);
        var postgresSettings = args.Text("postgres-settings", null);
        var record = args.Text("record", null);
        args.CheckAllRead();
        if (pool >= ServerMaxConnections)
        {
            throw new ArgumentException($"--pool must stay under the test server's max_connections ({ServerMaxConnections}).");
        }

        var sample = MachineStatus.For(0);
        Console.WriteLine($"writes: {string.Join(", ", writerCounts)} writers; group commit {string.Join("/", modes.Select(On))}; {warmup.TotalSeconds:0} s warm-up + {duration.TotalSeconds:0} s measured per run; {repeat} rounds, modes interleaved, median reported.");
        Console.WriteLine($"State: {System.Text.Json.JsonSerializer.Serialize(sample, new StorageOptions().Json).Length} bytes of JSON per write; each run starts from a fresh store whose records were created first, so measured writes are conditional updates.");
        if (databases.Contains(DatabaseKind.Postgres))
        {
            Console.WriteLine($"PostgreSQL pool: MaxPoolSize {pool} (server max_connections {ServerMaxConnections}). With group commit off every write is its own transaction on a pooled connection,");
            Console.WriteLine($"  so at most {pool} transactions commit at once and the other writers wait for a connection - the way Orleans' ADO.NET grain storage is capped by its pool.");
            if (postgresSettings is not null)
            {
                Console.WriteLine($"  Added to the connection string: {postgresSettings}");
            }
        }
        if (databases.Contains(DatabaseKind.Sqlite))
        {
            Console.WriteLine("SQLite: WAL, synchronous=FULL, one writer connection. With group commit off every write is its own transaction, one after another.");
        }

        await using var stores = await BenchStores.StartAsync(databases);
        using var meter = new CommitMeter();
        var runs = new List<WriteRun>();
        for (var round = 1; round <= repeat; round++)
        {
            Console.WriteLine($"-- round {round} of {repeat}");
            foreach (var writers in writerCounts)
            {
                foreach (var kind in round % 2 == 1 ? databases : databases.Reverse())
                {
                    foreach (var groupCommit in round % 2 == 1 ? modes : modes.Reverse())
                    {
                        var run = await RunOnceAsync(stores, meter, kind, writers, groupCommit, pool, postgresSettings, warmup, duration, round);
                        runs.Add(run);
                        Console.WriteLine($"   {BenchStores.Name(run.Kind),-10} {run.Writers,5} writers  group commit {On(run.GroupCommit),-3}  {run.WritesPerSecond,9:N0} writes/s  p50 {run.P50,7:F2} ms  p99 {run.P99,7:F2} ms  " +
                            $"{run.Commits.Commits,6:N0} commits, {run.Commits.MeanWrites,6:F1} writes/commit (median {run.Commits.MedianWrites:F0}), commit p50 {run.Commits.DurationP50:F2} ms p99 {run.Commits.DurationP99:F2} ms; " +
                            $"CPU machine {run.MachineCpu:F0}%, bench {run.ProcessCpu:F0}% ({run.CpuPerWrite:F1} us/write)");
                    }
                }
            }
        }

        var rows = Summarize(runs, databases, writerCounts, modes, repeat, postgresSettings);
        if (record is not null)
        {
            ResultsFile.Record(record, rows, Command("writes", args));
        }
    }

    public static string Command(string subcommand, Arguments args)
    {
        var switches = args.Describe();
        return $"dotnet run -c Release --project bench/Persistence.Bench -- {subcommand}{(switches.Length == 0 ? "" : " " + switches)}";
    }

    private static List<ResultRow> Summarize(List<WriteRun> runs, DatabaseKind[] databases, int[] writerCounts, bool[] modes, int repeat, string? postgresSettings)
    {
        Console.WriteLine();
        Console.WriteLine($"Median of {repeat} rounds (each column its own median; on/off is the median of each round's ratio, the two modes of a round having run back to back).");
        Console.WriteLine("CPU is percent of one core over the measured window: the whole machine (200% = both cores busy; the rest is other processes and the PostgreSQL server) and this process.");
        Console.WriteLine($"{"database",-11}{"writers",8}  {"group commit",-13}{"writes/s",10}{"p50 ms",9}{"p99 ms",9}{"writes/commit",15}{"commit p50 ms",15}{"on/off",8}{"machine CPU",13}{"bench CPU",11}{"bench us/write",16}");
        var rows = new List<ResultRow>();
        foreach (var kind in databases)
        {
            foreach (var writers in writerCounts)
            {
                foreach (var groupCommit in modes)
                {
                    var set = runs.Where(run => run.Kind == kind && run.Writers == writers && run.GroupCommit == groupCommit).ToList();
                    var rate = Stats.Median(set.Select(run => run.WritesPerSecond));
                    var p50 = Stats.Median(set.Select(run => run.P50));
                    var p99 = Stats.Median(set.Select(run => run.P99));
                    var perCommit = Stats.Median(set.Select(run => run.Commits.MeanWrites));
                    var commitP50 = Stats.Median(set.Select(run => run.Commits.DurationP50));
                    var machineCpu = Stats.Median(set.Select(run => run.MachineCpu));
                    var processCpu = Stats.Median(set.Select(run => run.ProcessCpu));
                    var cpuPerWrite = Stats.Median(set.Select(run => run.CpuPerWrite));
                    double? ratio = null;
                    if (groupCommit && modes.Contains(false))
                    {
                        ratio = Stats.Median(set.Select(on => on.WritesPerSecond / runs.Single(off => off.Kind == kind && off.Writers == writers && !off.GroupCommit && off.Round == on.Round).WritesPerSecond));
                    }
                    Console.WriteLine($"{BenchStores.Name(kind),-11}{writers,8}  {On(groupCommit),-13}{rate,10:N0}{p50,9:F2}{p99,9:F2}{perCommit,15:F1}{commitP50,15:F2}{(ratio is { } r ? r.ToString("F1", CultureInfo.InvariantCulture) + "x" : ""),8}{machineCpu,12:F0}%{processCpu,10:F0}%{cpuPerWrite,16:F1}");

                    var target = (kind, writers, groupCommit) switch
                    {
                        (DatabaseKind.Sqlite, _, true) => "≥ 50,000 writes/s",
                        (DatabaseKind.Postgres, 256, true) => "≥ 4x group commit off",
                        _ => "—",
                    };
                    var value = string.Create(CultureInfo.InvariantCulture, $"{rate:N0} writes/s (p50 {p50:F1} ms, p99 {p99:F1} ms{(groupCommit ? $", {perCommit:F0} writes a commit" : "")})");
                    if (ratio is { } times)
                    {
                        value += string.Create(CultureInfo.InvariantCulture, $"; {times:F1}x off");
                    }
                    var settings = kind == DatabaseKind.Postgres && postgresSettings is not null ? $" ({postgresSettings})" : "";
                    rows.Add(new ResultRow($"Persistence grain-state writes, {BenchStores.Name(kind)}{settings}, {writers:N0} writers, group commit {On(groupCommit)}", value, target, Machine.Busy(machineCpu)));
                }
            }
        }
        return rows;
    }

    private static async Task<WriteRun> RunOnceAsync(BenchStores stores, CommitMeter meter, DatabaseKind kind, int writers, bool groupCommit, int pool, string? postgresSettings, TimeSpan warmup, TimeSpan duration, int round)
    {
        await using var bench = await stores.OpenAsync(kind, options =>
        {
            options.GroupCommit = groupCommit;
            options.MaxPoolSize = pool;
        }, postgresSettings);
        var storage = new JsonGrainStorage("bench", bench.Store, NullLogger<JsonGrainStorage>.Instance);
        var grains = Enumerable.Range(0, writers).Select(i => GrainId.Create("bench", i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var states = Enumerable.Range(0, writers).Select(i => new Orleans.GrainState<MachineStatus>(MachineStatus.For(i))).ToArray();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => storage.WriteStateAsync(StateName, grains[i], states[i])));

        var from = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var until = from + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        meter.Window(from, until);
        var cpu = CpuUse.MeasureAsync(from, until);
        var samples = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() => WriteUntilAsync(storage, grains[i], states[i], from, until))));
        var commits = meter.Summarize();
        var used = await cpu;

        // Every acknowledged write must be in the store: each grain's stored version is the ETag its last write returned.
        for (var i = 0; i < writers; i++)
        {
            var check = new Orleans.GrainState<MachineStatus>();
            await storage.ReadStateAsync(StateName, grains[i], check);
            var (stored, written) = (check.State?.Sequence, states[i].State!.Sequence);
            if (check.ETag != states[i].ETag || stored != written)
            {
                throw new InvalidOperationException($"{BenchStores.Name(kind)}: grain {grains[i]} holds version {check.ETag} (sequence {stored}), but its last write returned {states[i].ETag} (sequence {written}).");
            }
        }

        var latencies = samples.SelectMany(writer => writer).Order().ToArray();
        return new WriteRun(kind, writers, groupCommit, round, latencies.Length / duration.TotalSeconds, Stats.Percentile(latencies, 0.5), Stats.Percentile(latencies, 0.99), commits,
            used.MachinePercent, used.ProcessPercent, latencies.Length == 0 ? 0 : used.ProcessTime.TotalMicroseconds / latencies.Length);
    }

    private static async Task<double[]> WriteUntilAsync(IGrainStorage storage, GrainId grain, Orleans.GrainState<MachineStatus> state, long from, long until)
    {
        var samples = new List<double>(4096);
        var status = state.State!;
        while (true)
        {
            status.Sequence++;
            status.UpdatedAt = DateTimeOffset.UtcNow;
            var started = Stopwatch.GetTimestamp();
            await storage.WriteStateAsync(StateName, grain, state).ConfigureAwait(false);
            var ended = Stopwatch.GetTimestamp();
            if (ended >= until)
            {
                return [.. samples];
            }
            if (started >= from)
            {
                samples.Add(Stats.Milliseconds(started, ended));
            }
        }
    }

    private static DatabaseKind Parse(string name) => name == "sqlite" ? DatabaseKind.Sqlite : DatabaseKind.Postgres;

    private static string On(bool groupCommit) => groupCommit ? "on" : "off";

    private sealed record WriteRun(DatabaseKind Kind, int Writers, bool GroupCommit, int Round, double WritesPerSecond, double P50, double P99, CommitSummary Commits, double MachineCpu, double ProcessCpu, double CpuPerWrite);
}

/// <summary>A machine's last report, the kind of state a grid grain keeps: about 200 bytes of JSON.</summary>
internal sealed class MachineStatus
{
    public string Machine { get; set; } = "";

    public string Agent { get; set; } = "";

    public string Status { get; set; } = "";

    public long Sequence { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int CpuPercent { get; set; }

    public long MemoryBytes { get; set; }

    public string[] Labels { get; set; } = [];

    public static MachineStatus For(int index) => new()
    {
        Machine = string.Create(CultureInfo.InvariantCulture, $"machine-{index:D6}"),
        Agent = "agent-2.4.1",
        Status = "running",
        UpdatedAt = DateTimeOffset.UtcNow,
        CpuPercent = index % 100,
        MemoryBytes = 17_179_869_184,
        Labels = ["rack-a12", "zone-eu-west", "gpu"],
    };
}
