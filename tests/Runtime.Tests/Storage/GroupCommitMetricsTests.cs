using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MachineGrid.Runtime.Diagnostics;
using MachineGrid.Runtime.Persistence.Sqlite;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>Runs alone, so the storage metrics it observes come from its own database only.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StorageMetricsCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Storage metrics";
}

/// <summary>Concurrent writers share commits, and each commit reports its size and latency.</summary>
[Collection(StorageMetricsCollection.Name)]
public sealed class GroupCommitMetricsTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public async Task Concurrent_sqlite_writers_share_commits()
    {
        var batchSizes = new ConcurrentQueue<int>();
        var latencies = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument == RuntimeMetrics.StorageBatchSize || instrument == RuntimeMetrics.StorageCommitLatency)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) => batchSizes.Enqueue(size));
        listener.SetMeasurementEventCallback<double>((_, ms, _, _) => latencies.Enqueue(ms));
        listener.Start();

        await using (var database = new SqliteDatabase(directory.File("metrics.db")))
        {
            var storage = new SqliteGrainStorage(database);
            var writers = Enumerable.Range(0, 256).Select(i => Task.Run(async () =>
            {
                var grain = new GrainId("machine", $"w-{i}");
                string? etag = null;
                for (var n = 0; n < 4; n++)
                {
                    etag = await storage.WriteAsync(grain, "state", [(byte)n], etag);
                }
            })).ToArray();
            await Task.WhenAll(writers);
        }

        Assert.Equal(256 * 4, batchSizes.Sum());
        Assert.Contains(batchSizes, size => size > 1);
        Assert.True(batchSizes.Count < 256 * 4, $"{batchSizes.Count} commits for {256 * 4} writes");
        Assert.Equal(batchSizes.Count, latencies.Count);
    }

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();
}
