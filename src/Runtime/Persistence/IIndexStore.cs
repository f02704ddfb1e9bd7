namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// Ordered key-value rows kept in the same database as grain state, for query-side indexes and append-only logs.
/// Changes are group-committed with state writes and return only once durable. Keys sort by ordinal comparison.
/// </summary>
public interface IIndexStore
{
    /// <summary>Applies puts and deletes atomically, in order, in one commit.</summary>
    Task ApplyAsync(IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken = default);

    /// <summary>Rows of <paramref name="table"/> whose key starts with <paramref name="prefix"/>, in key order, starting after <paramref name="after"/> (exclusive; null: from the first).</summary>
    Task<IReadOnlyList<IndexRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default);

    /// <summary>Number of rows of <paramref name="table"/> whose key starts with <paramref name="prefix"/>.</summary>
    Task<long> CountAsync(string table, string prefix, CancellationToken cancellationToken = default);
}
