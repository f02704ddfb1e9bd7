namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>The unapplied rows of one index table in key order (<see cref="IndexKeyOrder"/>); a null value is a deleted row.</summary>
internal sealed class PendingRows
{
    private readonly SortedSet<Row> rows = new(RowOrder.Instance);

    /// <summary>Number of rows held.</summary>
    public int Count => rows.Count;

    /// <summary>Puts the row's newest value; returns whether the key is new to this set.</summary>
    public bool Put(string key, byte[]? value)
    {
        if (rows.TryGetValue(new Row(key, null), out var existing))
        {
            existing.Value = value;
            return false;
        }
        rows.Add(new Row(key, value));
        return true;
    }

    /// <summary>The row's newest value, when held (null value: deleted).</summary>
    public bool TryGet(string key, out byte[]? value)
    {
        var found = rows.TryGetValue(new Row(key, null), out var row);
        value = row?.Value;
        return found;
    }

    /// <summary>The rows within <paramref name="range"/>, in key order.</summary>
    public List<KeyValuePair<string, byte[]?>> In(IndexRange range)
    {
        var within = new List<KeyValuePair<string, byte[]?>>();
        if (rows.Count == 0)
        {
            return within;
        }
        var upper = range.Upper is { } bound ? new Row(bound, null) : rows.Max!;
        var lower = new Row(range.Lower, null);
        if (RowOrder.Instance.Compare(lower, upper) > 0)
        {
            return within;
        }
        foreach (var row in rows.GetViewBetween(lower, upper))
        {
            if (range.Contains(row.Key))
            {
                within.Add(new(row.Key, row.Value));
            }
        }
        return within;
    }

    /// <summary>Every row, in key order.</summary>
    public IEnumerable<KeyValuePair<string, byte[]?>> All() => rows.Select(row => new KeyValuePair<string, byte[]?>(row.Key, row.Value));

    private sealed class Row(string key, byte[]? value)
    {
        public string Key { get; } = key;

        public byte[]? Value { get; set; } = value;
    }

    private sealed class RowOrder : IComparer<Row>
    {
        public static RowOrder Instance { get; } = new();

        public int Compare(Row? x, Row? y) => IndexKeyOrder.Instance.Compare(x?.Key, y?.Key);
    }
}
