namespace MachineGrid.Agent;

/// <summary>How one simulated machine behaves.</summary>
public sealed record SimulatedMachineOptions
{
    /// <summary>The fingerprint the machine registered with; sent on every heartbeat.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Runs the flows; by default each flow succeeds at once.</summary>
    public FlowRunner Flows { get; init; } = new(TimeSpan.Zero);

    /// <summary>Users with an open session, reported on every heartbeat.</summary>
    public IReadOnlyList<string> SignedInUsers { get; init; } = [];

    /// <summary>Usernames whose sign-in fails: their runs report a credential failure and complete Failed.</summary>
    public IReadOnlySet<string> FailingUsers { get; init; } = new HashSet<string>();

    /// <summary>Flows the machine runs at once (1 for a desktop, the session limit for a server).</summary>
    public int MaxConcurrentRuns { get; init; } = 1;

    /// <summary>Time between heartbeats.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long each assignment long-poll waits (0..60 s).</summary>
    public TimeSpan AssignmentWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Random id of this agent process, sent on every heartbeat.</summary>
    public string AgentInstanceId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// How long a start or a completion is retried while the gateway cannot be reached or answers 5xx, e.g. while a dead
    /// silo's grains move to the survivors. A completion given up on leaves its run Running until the run timeout.
    /// </summary>
    public TimeSpan ReportRetryTime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long reporting a flow's end may take after the machine was told to stop.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
}
