using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using MachineGrid.Runtime;
using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.Postgres;
using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.TestSupport;

namespace MachineGrid.Bench.Storage;

/// <summary>
/// Durable <see cref="IGrainStorage.WriteAsync"/> throughput: each writer updates its own grain with its current ETag,
/// waiting for every commit. The Op/s column is writes per second; targets with 1,024 writers are
/// 50,000 writes/s on SQLite and 20,000 writes/s on PostgreSQL (fsync on).
/// </summary>
[Config(typeof(WritesPerSecondConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class WriteThroughputBenchmark
{
    private const int WritesPerInvocation = 32_768;

    private readonly byte[] payload = new byte[256];
    private TemporaryFolder? folder;
    private PostgresServer? server;
    private IAsyncDisposable? database;
    private IGrainStorage storage = null!;
    private GrainId[] grains = [];
    private string?[] etags = [];

    /// <summary>The storage provider.</summary>
    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    /// <summary>Concurrent writers, each writing its own grain.</summary>
    [Params(1, 64, 1024)]
    public int Writers { get; set; }

    /// <summary>Opens the store and creates every writer's record.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        Random.Shared.NextBytes(payload);
        if (Store == "sqlite")
        {
            folder = new TemporaryFolder();
            var sqlite = new SqliteDatabase(Path.Combine(folder.Path, "bench.db"));
            (database, storage) = (sqlite, new SqliteGrainStorage(sqlite));
        }
        else
        {
            server = await PostgresServer.StartAsync();
            var postgres = new PostgresDatabase(await server.CreateDatabaseAsync());
            (database, storage) = (postgres, new PostgresGrainStorage(postgres));
        }
        grains = [.. Enumerable.Range(0, Writers).Select(i => new GrainId("benchmark", $"writer-{i}"))];
        etags = await Task.WhenAll(grains.Select(grain => storage.WriteAsync(grain, "state", payload, null)));
    }

    /// <summary>Closes the store and deletes its data.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
        if (server is not null)
        {
            await ((IAsyncDisposable)server).DisposeAsync();
        }
        folder?.Dispose();
    }

    /// <summary>32,768 durable writes spread evenly over the writers.</summary>
    [Benchmark(OperationsPerInvoke = WritesPerInvocation)]
    public Task DurableWrites() => Task.WhenAll(Enumerable.Range(0, Writers).Select(WriteRepeatedlyAsync));

    private async Task WriteRepeatedlyAsync(int writer)
    {
        await Task.Yield();
        var grain = grains[writer];
        var etag = etags[writer];
        for (var i = 0; i < WritesPerInvocation / Writers; i++)
        {
            etag = await storage.WriteAsync(grain, "state", payload, etag).ConfigureAwait(false);
        }
        etags[writer] = etag;
    }

    private sealed class WritesPerSecondConfig : ManualConfig
    {
        public WritesPerSecondConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"machinegrid-bench-{Guid.NewGuid():N}")).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
