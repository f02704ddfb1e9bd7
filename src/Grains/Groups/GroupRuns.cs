namespace MachineGrid.Grains;

/// <summary>A machine group's runs not yet ended: the queue and the runs placed on members. Stored row by row by <see cref="GroupRunRows"/>.</summary>
public sealed class GroupRuns
{
    /// <summary>Queued runs by id.</summary>
    public Dictionary<string, QueuedEntry> Queued { get; } = [];

    /// <summary>Runs assigned to a member and not ended, by id.</summary>
    public Dictionary<string, AssignedEntry> Assigned { get; } = [];

    /// <summary>Next enqueue order number (grows); after a restart, one past the largest stored.</summary>
    public long NextOrder { get; set; }

    /// <summary>Next order number for runs put at the head (shrinks, below zero); after a restart, one below the smallest stored.</summary>
    public long NextHeadOrder { get; set; } = -1;
}
