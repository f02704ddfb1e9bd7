namespace MachineGrid.Gateway;

/// <summary>Ids changed since an event stream last looked, before filtering by what its principal may see.</summary>
/// <param name="Groups">Changed groups.</param>
/// <param name="Machines">Changed machines.</param>
/// <param name="RunQueues">Groups or single-machine queues with changed runs.</param>
/// <param name="Overflow">More changed than were kept.</param>
public sealed record PendingChanges(IReadOnlyCollection<string> Groups, IReadOnlyCollection<string> Machines, IReadOnlyCollection<string> RunQueues, bool Overflow)
{
    /// <summary>Whether nothing changed.</summary>
    public bool IsEmpty => !Overflow && Groups.Count == 0 && Machines.Count == 0 && RunQueues.Count == 0;
}
