namespace MachineGrid.Grains;

/// <summary>What a group needs to place a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FlowId">The flow.</param>
/// <param name="RunMode">Attended or unattended.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="EnqueuedAt">When it entered the queue.</param>
/// <param name="QueueDeadline">When it times out in the queue.</param>
/// <param name="RunTimeout">How long it may run once started.</param>
/// <param name="Plan">The credentials it may use, by machine.</param>
/// <param name="MaxAttempts">How many times it may be started; a machine lost mid-run uses one.</param>
[GenerateSerializer, Immutable, Alias("mg.QueuedRun")]
public sealed record QueuedRun(string RunId, string FlowId, RunMode RunMode, RunPriority Priority, DateTimeOffset EnqueuedAt, DateTimeOffset QueueDeadline, TimeSpan RunTimeout, CredentialPlan Plan, int MaxAttempts);
