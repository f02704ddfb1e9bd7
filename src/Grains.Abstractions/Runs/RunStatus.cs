namespace MachineGrid.Grains;

/// <summary>Lifecycle of a run: Queued → Assigned → Running → Succeeded, Failed, Cancelled or TimedOut.</summary>
[GenerateSerializer, Alias("mg.RunStatus")]
public enum RunStatus
{
    /// <summary>Waiting for a machine.</summary>
    Queued,
    /// <summary>Given to a machine; waiting for its agent to acknowledge the start.</summary>
    Assigned,
    /// <summary>Running on a machine.</summary>
    Running,
    /// <summary>Ended well.</summary>
    Succeeded,
    /// <summary>Ended badly (see the reason).</summary>
    Failed,
    /// <summary>Cancelled by a user.</summary>
    Cancelled,
    /// <summary>Spent too long queued or running.</summary>
    TimedOut,
}
