namespace MachineGrid.Persistence;

/// <summary>
/// Marks the storage writes made in a scope as urgent: someone is waiting on them to go on (a freed machine for its next
/// run). An urgent write may commit before ordinary writes made earlier, but never before an earlier write to the same
/// grain state or read-model row, and never with fewer ordinary writes beside it than the queue's minimum.
/// </summary>
public static class WritePriority
{
    private static readonly AsyncLocal<bool> Current = new();

    internal static bool IsUrgent => Current.Value;

    /// <summary>Writes made until the scope is disposed, in this flow and the calls it makes, are urgent.</summary>
    public static Scope Urgent()
    {
        var outer = Current.Value;
        Current.Value = true;
        return new Scope(outer);
    }

    /// <summary>Restores the priority of the writes that follow to what it was before <see cref="Urgent"/>.</summary>
    public readonly struct Scope(bool outer) : IDisposable
    {
        public void Dispose() => Current.Value = outer;
    }
}
