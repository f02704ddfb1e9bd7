using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MachineGrid.Grains;

/// <summary>
/// The grid's meter: runs entering each status, time from submission to assignment, and the runs queued in the machine
/// groups active on this silo. Like the storage's meter it is static, so the hosts of one process share it.
/// </summary>
internal static class GridMetrics
{
    public const string MeterName = "MachineGrid";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> RunTransitions = Meter.CreateCounter<long>(
        "machinegrid.runs", "{run}", "Runs that entered a status, tagged by status; a requeued run enters Queued again.");

    // Queue waits run from milliseconds to the three-hour queue limit; the default buckets stop at 10 s.
    private static readonly Histogram<double> AssignmentLatency = Meter.CreateHistogram(
        "machinegrid.run.assignment.duration", "ms", "Time from a run's submission to its assignment to a machine.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000, 10_800_000] });

    private static readonly ConcurrentDictionary<QueueDepth, byte> Queues = new();

    private static readonly KeyValuePair<string, object?>[] StatusTags =
        [.. Enum.GetValues<RunStatus>().Select(status => new KeyValuePair<string, object?>("status", status.ToString()))];

    private static readonly Lazy<ObservableGauge<long>> QueueDepthGauge = new(() => Meter.CreateObservableGauge(
        "machinegrid.queue.depth", () => Queues.Keys.Sum(queue => (long)queue.Queued), "{run}", "Runs queued in the machine groups active on this silo."));

    /// <summary>Creates the queue-depth gauge now, so a scrape shows 0 before any group is active; once per process is enough.</summary>
    public static void PublishQueueDepth() => _ = QueueDepthGauge.Value;

    /// <summary>Counts the run's new status and, when it was just assigned, how long it waited.</summary>
    public static void RunEntered(RunView run)
    {
        RunTransitions.Add(1, StatusTags[(int)run.Status]);
        if (run.Status == RunStatus.Assigned && run.AssignedAt is { } assignedAt)
        {
            AssignmentLatency.Record(Math.Max(0, (assignedAt - run.EnqueuedAt).TotalMilliseconds));
        }
    }

    public static void Track(QueueDepth queue)
    {
        PublishQueueDepth();
        Queues.TryAdd(queue, 0);
    }

    public static void Untrack(QueueDepth queue) => Queues.TryRemove(queue, out _);
}
