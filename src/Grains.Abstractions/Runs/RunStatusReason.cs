namespace MachineGrid.Grains;

/// <summary>Stable reason codes for run status changes.</summary>
public static class RunStatusReason
{
    /// <summary>Waiting for a machine.</summary>
    public const string Waiting = "Waiting";
    /// <summary>Given to a machine.</summary>
    public const string Assigned = "Assigned";
    /// <summary>The agent did not acknowledge in time; back at the head of the queue.</summary>
    public const string AssignmentRevoked = "AssignmentRevoked";
    /// <summary>The agent started it.</summary>
    public const string Started = "Started";
    /// <summary>The flow succeeded.</summary>
    public const string Completed = "Completed";
    /// <summary>The flow reported failure.</summary>
    public const string FlowFailed = "FlowFailed";
    /// <summary>The machine went away mid-run.</summary>
    public const string MachineLost = "MachineLost";
    /// <summary>More than the queue timeout in the queue.</summary>
    public const string QueueTimeout = "QueueTimeout";
    /// <summary>More than the run timeout running.</summary>
    public const string RunTimeout = "RunTimeout";
    /// <summary>Cancelled by a user.</summary>
    public const string CancelledByUser = "CancelledByUser";
    /// <summary>The connection broke before the run could be placed.</summary>
    public const string ConnectionBroken = "ConnectionBroken";
    /// <summary>Its credential was deleted before the run started, and no other credential of its plan is left.</summary>
    public const string CredentialDeleted = "CredentialDeleted";
}
