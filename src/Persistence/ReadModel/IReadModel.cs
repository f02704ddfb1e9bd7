namespace MachineGrid.Persistence;

/// <summary>
/// Ordered rows kept beside grain state, for lists and lookups answered from the database on any silo. Keys sort by
/// code point; scans are ranges of one table by key prefix, with keyset paging (<c>after</c>, exclusive).
/// </summary>
public interface IReadModel
{
    /// <summary>Applies puts and deletes atomically, in order, in one durable commit (shared with concurrent writes).</summary>
    Task WriteAsync(IReadOnlyList<RowChange> changes, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ReadModelRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default);

    Task<long> CountAsync(string table, string prefix, CancellationToken cancellationToken = default);
}

internal sealed class ReadModel(MachineGridStore store) : IReadModel
{
    public async Task WriteAsync(IReadOnlyList<RowChange> changes, CancellationToken cancellationToken = default)
    {
        var rows = RowArguments.CheckChanges(changes);
        if (rows.Length == 0)
        {
            return;
        }
        var write = new Writes.PendingRowsWrite(rows);
        await store.Committer.Submit(write).ConfigureAwait(false);
        await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<ReadModelRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default)
    {
        RowArguments.CheckScan(table, prefix, after, limit);
        return Guard(() => store.Database.ScanAsync(table, KeyRange.ForScan(prefix, after, descending), limit, descending, cancellationToken), "a read-model scan");
    }

    public Task<long> CountAsync(string table, string prefix, CancellationToken cancellationToken = default)
    {
        RowArguments.CheckScan(table, prefix, null, 1);
        return Guard(() => store.Database.CountAsync(table, KeyRange.ForScan(prefix, null, false), cancellationToken), "a read-model count");
    }

    private async Task<T> Guard<T>(Func<Task<T>> read, string operation)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Diagnostics.StorageFailures.Wrap(ex, store.Database.Kind, operation);
        }
    }
}
