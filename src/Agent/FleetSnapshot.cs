namespace MachineGrid.Agent;

/// <summary>The fleet counters at one moment.</summary>
/// <param name="At">When they were read.</param>
/// <param name="Machines">Machine loops running.</param>
/// <param name="Online">Machines whose last heartbeat succeeded.</param>
/// <param name="Assigned">Assignments received so far.</param>
/// <param name="Running">Flows running now.</param>
/// <param name="Succeeded">Flows reported Succeeded.</param>
/// <param name="Failed">Flows reported Failed.</param>
/// <param name="StartRejected">Assignments the gateway refused to start.</param>
/// <param name="Errors">Failed requests.</param>
/// <param name="LastError">The last failed request, if any.</param>
public sealed record FleetSnapshot(
    DateTimeOffset At,
    int Machines,
    int Online,
    long Assigned,
    int Running,
    long Succeeded,
    long Failed,
    long StartRejected,
    long Errors,
    string? LastError)
{
    /// <summary>Flows reported either way.</summary>
    public long Completed => Succeeded + Failed;
}
