namespace MachineGrid.Grains;

/// <summary>The ids marked changed since the previous drain of a silo's marks; each id at most once.</summary>
/// <param name="Groups">Groups whose details, members, counts or queue changed.</param>
/// <param name="Machines">Machines whose status, heartbeat or sessions changed.</param>
/// <param name="RunQueues">Groups (or single-machine queues) with a run that changed.</param>
[GenerateSerializer, Immutable, Alias("mg.GridChanges")]
public sealed record GridChanges(IReadOnlyList<string> Groups, IReadOnlyList<string> Machines, IReadOnlyList<string> RunQueues)
{
    /// <summary>Whether nothing changed.</summary>
    public bool IsEmpty => Groups.Count == 0 && Machines.Count == 0 && RunQueues.Count == 0;

    /// <summary>No change.</summary>
    public static readonly GridChanges None = new([], [], []);
}
