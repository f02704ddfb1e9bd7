namespace MachineGrid.Runtime.Persistence.InMemory;

/// <summary>Index rows kept in process memory, for tests. Thread-safe, with the same ordering and argument rules as the durable providers.</summary>
internal sealed class InMemoryIndexStore : IIndexStore
{
    private readonly Dictionary<string, SortedSet<string>> keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Table, string Key), byte[]> values = [];
    private readonly Lock gate = new();

    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        var validated = IndexArguments.ValidateChanges(changes);
        if (validated.Length == 0)
        {
            return true;
        }
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var change in validated)
            {
                Apply(change);
            }
        }
        return true;
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<IndexRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        IndexArguments.ValidateScan(table, prefix, after, limit);
        cancellationToken.ThrowIfCancellationRequested();
        var range = IndexRange.ForScan(prefix, after, descending);
        lock (gate)
        {
            var candidates = Candidates(table, range);
            return (IReadOnlyList<IndexRow>)(descending ? candidates.Reverse() : candidates)
                .Where(range.Contains)
                .Take(limit)
                .Select(key => new IndexRow(key, values[(table, key)].ToArray()))
                .ToList();
        }
    });

    /// <inheritdoc />
    public Task<long> CountAsync(string table, string prefix, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        IndexArguments.ValidateCount(table, prefix);
        cancellationToken.ThrowIfCancellationRequested();
        var range = IndexRange.ForPrefix(prefix);
        lock (gate)
        {
            return (long)Candidates(table, range).Count(range.Contains);
        }
    });

    private void Apply(IndexChange change)
    {
        if (change.Value is { } value)
        {
            if (!keys.TryGetValue(change.Table, out var tableKeys))
            {
                keys[change.Table] = tableKeys = new SortedSet<string>(IndexKeyOrder.Instance);
            }
            tableKeys.Add(change.Key);
            values[(change.Table, change.Key)] = value.ToArray();
        }
        else if (values.Remove((change.Table, change.Key)))
        {
            keys[change.Table].Remove(change.Key);
        }
    }

    /// <summary>The table's keys between the range's bounds, both inclusive; callers drop the excluded bounds.</summary>
    private SortedSet<string> Candidates(string table, IndexRange range)
    {
        if (!keys.TryGetValue(table, out var tableKeys) || tableKeys.Count == 0)
        {
            return [];
        }
        var upper = range.Upper ?? tableKeys.Max!;
        return IndexKeyOrder.Instance.Compare(range.Lower, upper) <= 0 ? tableKeys.GetViewBetween(range.Lower, upper) : [];
    }
}
