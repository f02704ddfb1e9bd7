using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.Postgres;
using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.TestSupport;
using Npgsql;

namespace MachineGrid.Bench.Storage;

/// <summary>
/// <see cref="IIndexStore"/> reads over 1,000,000 rows of table "runs", keyed <c>group/{g:D3}/{status}/{ticks:D19}/{runId}</c>
/// (20 groups × 4 statuses, 12,500 rows per group and status): the first page of 50 of one group and status, in both
/// directions, a page from the middle via <c>after</c>, and the count of the prefix. The benchmarks run in-process,
/// so each store is populated once (in chunks of 10,000 changes) and shared by every benchmark of the run.
/// </summary>
[Config(typeof(InProcessConfig))]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class IndexScanBenchmark
{
    private const string Table = "runs";
    private const string Prefix = "group/007/running/";
    private const int Groups = 20;
    private const int Rows = 1_000_000;
    private const int ChunkSize = 10_000;
    private const int PageSize = 50;
    private static readonly string[] Statuses = ["queued", "running", "done", "failed"];
    private static readonly ConcurrentDictionary<string, Lazy<Task<PopulatedStore>>> Stores = new();

    private IIndexStore index = null!;
    private string middleKey = "";

    /// <summary>The storage provider.</summary>
    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    /// <summary>Opens the store, populating it on first use in this process. Synchronous: the in-process toolchain does not await setup tasks.</summary>
    [GlobalSetup]
    public void Setup()
    {
        index = Stores.GetOrAdd(Store, store => new Lazy<Task<PopulatedStore>>(() => PopulatedStore.CreateAsync(store))).Value.GetAwaiter().GetResult().Index;
        var prefixRows = Enumerable.Range(0, Rows).Where(i => Key(i).StartsWith(Prefix, StringComparison.Ordinal)).ToArray();
        middleKey = Key(prefixRows[prefixRows.Length / 2]);
    }

    /// <summary>The first 50 rows of one group and status, oldest first.</summary>
    [Benchmark]
    public Task<IReadOnlyList<IndexRow>> FirstPage() => index.ScanAsync(Table, Prefix, null, PageSize);

    /// <summary>The first 50 rows of one group and status, newest first.</summary>
    [Benchmark]
    public Task<IReadOnlyList<IndexRow>> FirstPageDescending() => index.ScanAsync(Table, Prefix, null, PageSize, descending: true);

    /// <summary>50 rows after the middle row of the group and status.</summary>
    [Benchmark]
    public Task<IReadOnlyList<IndexRow>> LaterPage() => index.ScanAsync(Table, Prefix, middleKey, PageSize);

    /// <summary>The number of rows of the group and status (12,500).</summary>
    [Benchmark]
    public Task<long> Count() => index.CountAsync(Table, Prefix);

    /// <summary>Row <paramref name="i"/>'s key: groups and statuses interleave, and ticks grow with <paramref name="i"/>.</summary>
    private static string Key(int i)
    {
        var ticks = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks + (i * TimeSpan.TicksPerSecond);
        return $"group/{i % Groups:D3}/{Statuses[i / Groups % Statuses.Length]}/{ticks:D19}/run-{i:D7}";
    }

    private static byte[] Value(int i) => System.Text.Encoding.UTF8.GetBytes($$"""{"runId":"run-{{i:D7}}","machine":"machine-{{i % 997:D4}}","mode":"exclusive"}""");

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsMutator());
    }

    /// <summary>A store holding the benchmark rows; removed when the process exits.</summary>
    private sealed class PopulatedStore
    {
        private PopulatedStore(IIndexStore index) => Index = index;

        public IIndexStore Index { get; }

        public static async Task<PopulatedStore> CreateAsync(string store)
        {
            IIndexStore index;
            Func<Task> analyze;
            if (store == "sqlite")
            {
                var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"machinegrid-bench-{Guid.NewGuid():N}")).FullName;
                var database = new SqliteDatabase(Path.Combine(folder, "index.db"));
                index = new SqliteIndexStore(database);
                analyze = () => Task.CompletedTask;
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    database.Dispose();
                    Directory.Delete(folder, recursive: true);
                };
            }
            else
            {
                var server = await PostgresServer.StartAsync();
                var connectionString = await server.CreateDatabaseAsync();
                var database = new PostgresDatabase(connectionString);
                index = new PostgresIndexStore(database);
                analyze = () => VacuumAnalyzeAsync(connectionString);
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    database.Dispose();
                    server.DisposeAsync().GetAwaiter().GetResult();
                };
            }
            var started = DateTime.UtcNow;
            for (var chunk = 0; chunk < Rows / ChunkSize; chunk++)
            {
                await index.ApplyAsync([.. Enumerable.Range(chunk * ChunkSize, ChunkSize).Select(i => IndexChange.Put(Table, Key(i), Value(i)))]);
            }
            await analyze();
            Console.WriteLine($"// Populated {store} with {Rows:N0} rows in {(DateTime.UtcNow - started).TotalSeconds:F1} s.");
            return new PopulatedStore(index);
        }

        /// <summary>What autovacuum does to a settled table: planner statistics and the visibility map that index-only counts use.</summary>
        private static async Task VacuumAnalyzeAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("VACUUM ANALYZE index_rows", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
