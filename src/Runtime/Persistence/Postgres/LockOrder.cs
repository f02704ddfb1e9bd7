using MachineGrid.Runtime.Persistence.GroupCommit;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>
/// Orders a batch's writes by table and key, so concurrent silos lock rows in the same order and never deadlock
/// each other. The sort is stable, so writes to one record keep their queue order.
/// </summary>
internal sealed class LockOrder : IComparer<PendingRecordWrite>
{
    /// <summary>The shared instance.</summary>
    public static LockOrder Instance { get; } = new();

    /// <summary>Returns the writes in lock order.</summary>
    public static IReadOnlyList<PendingRecordWrite> Sort(IReadOnlyList<PendingRecordWrite> batch) =>
        batch.Count < 2 ? batch : batch.Order(Instance).ToList();

    /// <inheritdoc />
    public int Compare(PendingRecordWrite? x, PendingRecordWrite? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var byTable = (x is PendingStateWrite).CompareTo(y is PendingStateWrite);
        if (byTable != 0)
        {
            return -byTable;
        }
        var byType = string.CompareOrdinal(x.GrainId.Type, y.GrainId.Type);
        if (byType != 0)
        {
            return byType;
        }
        var byKey = string.CompareOrdinal(x.GrainId.Key, y.GrainId.Key);
        return byKey != 0 ? byKey : string.CompareOrdinal(x.Name, y.Name);
    }
}
