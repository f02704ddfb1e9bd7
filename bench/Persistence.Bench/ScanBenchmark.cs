using System.Diagnostics;
using System.Globalization;
using System.Text;
using MachineGrid.Persistence.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace MachineGrid.Persistence.Bench;

/// <summary>
/// Read-model pages at scale: one table of N rows (1,000,000 by default) keyed <c>g/{group}/t/{inverted time}/{id}</c>,
/// so a group's prefix lists its newest rows first, read 50 rows a page through <see cref="IReadModel.ScanAsync"/>
/// by one reader at a time: the newest page of a group, and pages after a keyset cursor anywhere in a group, in both
/// directions. Every page is checked (its size and first key). The fill is not measured beyond its time.
/// </summary>
internal static class ScanBenchmark
{
    private const string Table = "jobs";
    private const long NewestTime = 9_999_999_999_999;

    private enum ScanKind
    {
        Newest,
        AscendingAfter,
        DescendingAfter,
    }

    public static async Task RunAsync(Arguments args)
    {
        var databases = args.Choices("databases", ["sqlite", "postgres"], "sqlite", "postgres").Select(name => name == "sqlite" ? DatabaseKind.Sqlite : DatabaseKind.Postgres).ToArray();
        var layout = new Layout(args.Number("rows", 1_000_000), args.Number("groups", 100));
        var reads = args.Number("reads", 2_000);
        var page = args.Number("page", 50);
        var repeat = args.Number("repeat", 3);
        var batch = args.Number("batch", 50_000);
        var record = args.Text("record", null);
        args.CheckAllRead();
        if (layout.Rows % layout.Groups != 0 || layout.PerGroup <= page + 1)
        {
            throw new ArgumentException("--rows must be a multiple of --groups, with more rows per group than a page.");
        }

        Console.WriteLine($"scan: {layout.Rows:N0} rows in table '{Table}', {layout.Groups} groups of {layout.PerGroup:N0}; keys like {layout.Key(0)} ({layout.Key(0).Length} chars), values {layout.Value(0).Length} bytes.");
        Console.WriteLine($"Pages of {page} rows, {reads:N0} timed reads per kind and round (after 100 untimed), one reader; {repeat} rounds, databases alternating; median of the rounds' p50 and p99.");
        await using var stores = await BenchStores.StartAsync(databases);
        var opened = new List<(DatabaseKind Kind, BenchStore Store, IReadModel ReadModel)>();
        try
        {
            foreach (var kind in databases)
            {
                var store = await stores.OpenAsync(kind, _ => { });
                opened.Add((kind, store, new ReadModel(store.Store)));
                var started = Stopwatch.GetTimestamp();
                if (kind == DatabaseKind.Postgres)
                {
                    await CopyIntoPostgresAsync(((PostgresDatabase)store.Store.Database).DataSource, layout);
                }
                else
                {
                    await WriteThroughReadModelAsync(opened[^1].ReadModel, layout, batch);
                }
                var filled = Stopwatch.GetElapsedTime(started);
                var count = await opened[^1].ReadModel.CountAsync(Table, "");
                if (count != layout.Rows)
                {
                    throw new InvalidOperationException($"{BenchStores.Name(kind)} holds {count:N0} rows after the fill, not {layout.Rows:N0}.");
                }
                Console.WriteLine($"{BenchStores.Name(kind)}: filled {layout.Rows:N0} rows in {filled.TotalSeconds:F1} s ({layout.Rows / filled.TotalSeconds:N0} rows/s) " +
                    (kind == DatabaseKind.Postgres ? "with binary COPY, then VACUUM ANALYZE and CHECKPOINT" : $"through IReadModel.WriteAsync, {batch:N0} rows a transaction") + "; counted.");
            }

            var results = new List<(DatabaseKind Kind, ScanKind Scan, int Round, double P50, double P99, double Max, double MachineCpu)>();
            for (var round = 1; round <= repeat; round++)
            {
                Console.WriteLine($"-- round {round} of {repeat}");
                foreach (var (kind, _, readModel) in round % 2 == 1 ? opened : Enumerable.Reverse(opened))
                {
                    foreach (var scan in Enum.GetValues<ScanKind>())
                    {
                        var random = new Random(round * 31 + (int)scan);
                        await ReadPagesAsync(readModel, layout, scan, page, 100, random);
                        var clock = CpuClock.Now();
                        var latencies = await ReadPagesAsync(readModel, layout, scan, page, reads, random);
                        var cpu = clock.Until(CpuClock.Now());
                        var (p50, p99, max) = (Stats.Percentile(latencies, 0.5), Stats.Percentile(latencies, 0.99), latencies[^1]);
                        results.Add((kind, scan, round, p50, p99, max, cpu.MachinePercent));
                        Console.WriteLine($"   {BenchStores.Name(kind),-10} {Describe(scan),-34} p50 {p50,6:F3} ms  p90 {Stats.Percentile(latencies, 0.9),6:F3} ms  p99 {p99,6:F3} ms  max {max,7:F2} ms  " +
                            $"(machine CPU {cpu.MachinePercent:F0}%, bench {cpu.ProcessPercent:F0}%)");
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine($"Median of {repeat} rounds, {page}-row pages at {layout.Rows:N0} rows (target: under 5 ms); machine CPU is percent of one core used by every process while reading (200% = both cores busy):");
            Console.WriteLine($"{"database",-11}{"page",-36}{"p50 ms",9}{"p99 ms",9}{"machine CPU",13}");
            var rows = new List<ResultRow>();
            foreach (var (kind, _, _) in opened)
            {
                foreach (var scan in Enum.GetValues<ScanKind>())
                {
                    var set = results.Where(result => result.Kind == kind && result.Scan == scan).ToList();
                    var p50 = Stats.Median(set.Select(result => result.P50));
                    var p99 = Stats.Median(set.Select(result => result.P99));
                    var machineCpu = Stats.Median(set.Select(result => result.MachineCpu));
                    Console.WriteLine($"{BenchStores.Name(kind),-11}{Describe(scan),-36}{p50,9:F3}{p99,9:F3}{machineCpu,12:F0}%");
                    rows.Add(new ResultRow(
                        $"Persistence read-model page of {page} at {layout.Rows:N0} rows, {BenchStores.Name(kind)}, {Describe(scan)}",
                        string.Create(CultureInfo.InvariantCulture, $"p50 {p50:F2} ms, p99 {p99:F2} ms"),
                        "< 5 ms",
                        Machine.Busy(machineCpu)));
                }
            }
            if (record is not null)
            {
                ResultsFile.Record(record, rows, WriteBenchmark.Command("scan", args));
            }
        }
        finally
        {
            foreach (var (_, store, _) in opened)
            {
                await store.DisposeAsync();
            }
        }
    }

    private static string Describe(ScanKind scan) => scan switch
    {
        ScanKind.Newest => "newest page of a group (no cursor)",
        ScanKind.AscendingAfter => "ascending after a deep cursor",
        _ => "descending after a deep cursor",
    };

    private static async Task<double[]> ReadPagesAsync(IReadModel readModel, Layout layout, ScanKind scan, int page, int reads, Random random)
    {
        var latencies = new double[reads];
        for (var read = 0; read < reads; read++)
        {
            var group = random.Next(layout.Groups);
            var (after, descending, first) = scan switch
            {
                ScanKind.Newest => ((string?)null, false, 0),
                ScanKind.AscendingAfter => random.Next(layout.PerGroup - page) is var at ? (layout.KeyAt(group, at), false, at + 1) : default,
                _ => random.Next(page, layout.PerGroup) is var at ? (layout.KeyAt(group, at), true, at - 1) : default,
            };
            var started = Stopwatch.GetTimestamp();
            var rows = await readModel.ScanAsync(Table, layout.Prefix(group), after, page, descending);
            latencies[read] = Stats.Milliseconds(started, Stopwatch.GetTimestamp());
            if (rows.Count != page || rows[0].Key != layout.KeyAt(group, first))
            {
                throw new InvalidOperationException($"A {Describe(scan)} of group {group} after '{after}' returned {rows.Count} rows starting at '{(rows.Count > 0 ? rows[0].Key : "")}'; expected {page} starting at '{layout.KeyAt(group, first)}'.");
            }
        }
        Array.Sort(latencies);
        return latencies;
    }

    private static async Task WriteThroughReadModelAsync(IReadModel readModel, Layout layout, int batch)
    {
        var changes = new List<RowChange>(batch);
        for (var i = 0; i < layout.Rows; i++)
        {
            changes.Add(RowChange.Put(Table, layout.Key(i), layout.Value(i)));
            if (changes.Count == batch || i == layout.Rows - 1)
            {
                await readModel.WriteAsync(changes);
                changes.Clear();
            }
        }
    }

    private static async Task CopyIntoPostgresAsync(NpgsqlDataSource dataSource, Layout layout)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY read_model (table_name, row_key, value) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < layout.Rows; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Table, NpgsqlDbType.Text);
                await copy.WriteAsync(layout.Key(i), NpgsqlDbType.Text);
                await copy.WriteAsync(layout.Value(i), NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync();
        }
        foreach (var sql in new[] { "VACUUM (ANALYZE) read_model", "CHECKPOINT" })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Row i belongs to group i mod G and happened at time i (ms); its key holds the inverted time, so in key order a
    /// group's rows run newest first. Position p of a group in ascending key order is its (PerGroup - 1 - p)-th row.
    /// </summary>
    private sealed record Layout(int Rows, int Groups)
    {
        public int PerGroup => Rows / Groups;

        public string Prefix(int group) => string.Create(CultureInfo.InvariantCulture, $"g/{group:D4}/");

        public string KeyAt(int group, int position) => Key(group + Groups * (PerGroup - 1 - position));

        public string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"g/{i % Groups:D4}/t/{NewestTime - 1_700_000_000_000 - i:D13}/{Id(i):x12}");

        public byte[] Value(int i) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"job\":\"{Id(i):x12}\",\"machine\":\"machine-{i % 5000:D6}\",\"state\":\"succeeded\",\"exit\":0,\"ms\":{i % 100_000,6}}}"));

        private static long Id(int i) => (long)((ulong)(i + 1) * 0x9E3779B97F4A7C15UL >> 16);
    }
}
