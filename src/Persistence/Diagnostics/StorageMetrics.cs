using System.Diagnostics.Metrics;

namespace MachineGrid.Persistence.Diagnostics;

/// <summary>The storage's meter: commit latency and writes per commit, tagged by database.</summary>
internal static class StorageMetrics
{
    public const string MeterName = "MachineGrid.Persistence";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>("machinegrid.storage.commit.duration", "ms", "Time from the start of a commit to its durable return.");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("machinegrid.storage.commit.writes", "{write}", "Writes that shared one commit.");

    public static void RecordCommit(string database, int writes, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("database", database);
        CommitLatency.Record(elapsed.TotalMilliseconds, tag);
        BatchSize.Record(writes, tag);
    }
}
