namespace MachineGrid.Grains;

/// <summary>The ids marked changed since the previous <see cref="GridEvents.Drain"/>; each id at most once.</summary>
/// <param name="Groups">Groups whose details, members, counts or queue changed.</param>
/// <param name="Machines">Machines whose status, heartbeat or sessions changed.</param>
/// <param name="RunQueues">Groups (or single-machine queues) with a run that changed.</param>
public sealed record GridChanges(IReadOnlyList<string> Groups, IReadOnlyList<string> Machines, IReadOnlyList<string> RunQueues)
{
    /// <summary>Whether nothing changed.</summary>
    public bool IsEmpty => Groups.Count == 0 && Machines.Count == 0 && RunQueues.Count == 0;
}
