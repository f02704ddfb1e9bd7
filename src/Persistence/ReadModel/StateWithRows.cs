namespace MachineGrid.Persistence;

/// <summary>
/// Read-model rows staged on a grain state. They commit in the same transaction as the next successful write or
/// clear of that state; a write that fails (a stale ETag, a database error) stores none of them and leaves them
/// staged.
/// </summary>
public sealed class StagedRows
{
    private List<RowChange>? staged;

    public int Count => staged?.Count ?? 0;

    public void Put(string table, string key, byte[] value) => Stage(RowChange.Put(table, key, value));

    public void Delete(string table, string key) => Stage(RowChange.Delete(table, key));

    public void Discard() => staged = null;

    internal RowChange[] Peek() => staged is null ? [] : [.. staged];

    internal void RemoveWritten(int count)
    {
        if (staged is null)
        {
            return;
        }
        staged.RemoveRange(0, Math.Min(count, staged.Count));
        if (staged.Count == 0)
        {
            staged = null;
        }
    }

    private void Stage(RowChange change)
    {
        RowArguments.CheckChange(change, 0);
        (staged ??= []).Add(change);
    }
}

/// <summary>
/// A grain state that carries read-model rows into its writes. A record can implement it with
/// <c>[JsonIgnore] public StagedRows StagedRows { get; } = new();</c>; classes can derive from <see cref="StateWithRows"/>.
/// </summary>
public interface IHasStagedRows
{
    StagedRows StagedRows { get; }
}

/// <summary>Base of a state class whose writes carry read-model rows; the staged rows are not part of its JSON.</summary>
public abstract class StateWithRows : IHasStagedRows
{
    private readonly StagedRows rows = new();

    StagedRows IHasStagedRows.StagedRows => rows;

    internal int StagedRowCount => rows.Count;

    public void PutRow(string table, string key, byte[] value) => rows.Put(table, key, value);

    public void DeleteRow(string table, string key) => rows.Delete(table, key);

    public void DiscardStagedRows() => rows.Discard();
}
