namespace MachineGrid.Gateway;

/// <summary>One second of the silo's activity, for the overview's charts.</summary>
/// <param name="At">End of the second.</param>
/// <param name="Submitted">Runs submitted per second.</param>
/// <param name="Assigned">Assignments per second.</param>
/// <param name="Started">Runs started per second.</param>
/// <param name="Ended">Runs ended per second.</param>
/// <param name="AssignmentLatencyMs">Mean time from enqueue to assignment of the runs assigned in this second; null when none was.</param>
/// <param name="MaxAssignmentLatencyMs">The longest of them.</param>
/// <param name="CallsPerSecond">Grain calls per second.</param>
/// <param name="Activations">Live activations at the end of the second.</param>
/// <param name="StorageCommitsPerSecond">Storage commits per second.</param>
/// <param name="StorageCommitLatencyMs">Mean storage commit duration in this second; null when nothing was committed.</param>
/// <param name="MaxStorageCommitLatencyMs">The longest commit in this second.</param>
public sealed record StatsSample(
    DateTimeOffset At,
    double Submitted,
    double Assigned,
    double Started,
    double Ended,
    double? AssignmentLatencyMs,
    double MaxAssignmentLatencyMs,
    double CallsPerSecond,
    long Activations,
    double StorageCommitsPerSecond,
    double? StorageCommitLatencyMs,
    double MaxStorageCommitLatencyMs);
