namespace MachineGrid.Runtime.Diagnostics;

/// <summary>Cumulative runtime totals at one moment, from <see cref="RuntimeStatistics.Snapshot"/>.</summary>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="GrainTypes">Live activations and calls so far, per grain type.</param>
/// <param name="Calls">Grain calls completed so far.</param>
/// <param name="QueuedCalls">Queued (not inline) calls whose latency was measured.</param>
/// <param name="QueuedCallMilliseconds">Their total latency.</param>
/// <param name="StorageCommits">Storage commits so far.</param>
/// <param name="StorageCommitMilliseconds">Their total duration.</param>
/// <param name="MaxStorageCommitMilliseconds">The longest commit since the previous snapshot.</param>
public sealed record RuntimeCounters(
    DateTimeOffset At,
    IReadOnlyList<GrainTypeCounters> GrainTypes,
    long Calls,
    long QueuedCalls,
    double QueuedCallMilliseconds,
    long StorageCommits,
    double StorageCommitMilliseconds,
    double MaxStorageCommitMilliseconds)
{
    /// <summary>Live activations of every type.</summary>
    public long Activations => GrainTypes.Sum(t => t.Activations);
}
