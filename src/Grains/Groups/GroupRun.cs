namespace MachineGrid.Grains;

/// <summary>A run as a group keeps it: everything needed to place it except the credential plan, which the group keeps once per source.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FlowId">The flow.</param>
/// <param name="RunMode">Attended or unattended.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="EnqueuedAt">When it entered the queue.</param>
/// <param name="QueueDeadline">When it times out in the queue.</param>
/// <param name="RunTimeout">How long it may run once started.</param>
/// <param name="MaxAttempts">How many times it may be started.</param>
/// <param name="PlanSource">The credential or mapping whose plan it uses.</param>
public sealed record GroupRun(string RunId, string FlowId, RunMode RunMode, RunPriority Priority, DateTimeOffset EnqueuedAt, DateTimeOffset QueueDeadline, TimeSpan RunTimeout, int MaxAttempts, string PlanSource)
{
    /// <summary>The group's copy of a submitted run.</summary>
    public static GroupRun From(QueuedRun run) =>
        new(run.RunId, run.FlowId, run.RunMode, run.Priority, run.EnqueuedAt, run.QueueDeadline, run.RunTimeout, run.MaxAttempts, run.Plan.SourceId);
}
