namespace MachineGrid.Grains;

/// <summary>Run transitions counted by the silo's change marks since the silo started.</summary>
/// <param name="Submitted">Runs submitted.</param>
/// <param name="Assigned">Assignments made (a requeued run counts again).</param>
/// <param name="Started">Runs whose agent acknowledged the start.</param>
/// <param name="Ended">Runs that ended, in any final status.</param>
/// <param name="AssignmentLatency">Total time from enqueue to assignment over all assignments.</param>
/// <param name="MaxAssignmentLatency">The longest assignment latency since the previous reading.</param>
[GenerateSerializer, Immutable, Alias("mg.RunActivity")]
public sealed record RunActivity(long Submitted, long Assigned, long Started, long Ended, TimeSpan AssignmentLatency, TimeSpan MaxAssignmentLatency);
