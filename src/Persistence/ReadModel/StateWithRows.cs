namespace MachineGrid.Persistence;

/// <summary>
/// Base of a grain state whose writes carry read-model rows. Rows staged with <see cref="PutRow"/> and
/// <see cref="DeleteRow"/> commit in the same transaction as the next successful write of the state; a write that
/// fails (a stale ETag, a database error) leaves them staged and stores none of them. Staged rows are not part of the
/// state's JSON: nothing here is public data.
/// </summary>
public abstract class StateWithRows
{
    private List<RowChange>? staged;

    public void PutRow(string table, string key, byte[] value) => Stage(RowChange.Put(table, key, value));

    public void DeleteRow(string table, string key) => Stage(RowChange.Delete(table, key));

    public void DiscardStagedRows() => staged = null;

    internal int StagedRowCount => staged?.Count ?? 0;

    internal RowChange[] PeekStagedRows() => staged is null ? [] : [.. staged];

    internal void RemoveWrittenRows(int count)
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
