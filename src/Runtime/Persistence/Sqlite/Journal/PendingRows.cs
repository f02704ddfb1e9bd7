namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>The unapplied rows of one index table in key order (<see cref="IndexKeyOrder"/>); no payload is a deleted row.</summary>
internal sealed class PendingRows
{
    private readonly SortedSet<Row> rows = new(RowOrder.Instance);

    /// <summary>Number of rows held.</summary>
    public int Count => rows.Count;

    /// <summary>Puts the row's newest value; returns whether the key is new to this set.</summary>
    public bool Put(string key, Payload value)
    {
        if (rows.TryGetValue(new Row(key, default), out var existing))
        {
            existing.Value = value;
            return false;
        }
        rows.Add(new Row(key, value));
        return true;
    }

    /// <summary>Copies of the rows within <paramref name="range"/>, in key order.</summary>
    public List<KeyValuePair<string, byte[]?>> In(IndexRange range)
    {
        var within = new List<KeyValuePair<string, byte[]?>>();
        if (rows.Count == 0)
        {
            return within;
        }
        var upper = range.Upper is { } bound ? new Row(bound, default) : rows.Max!;
        var lower = new Row(range.Lower, default);
        if (RowOrder.Instance.Compare(lower, upper) > 0)
        {
            return within;
        }
        foreach (var row in rows.GetViewBetween(lower, upper))
        {
            if (range.Contains(row.Key))
            {
                within.Add(new(row.Key, row.Value.ToArray()));
            }
        }
        return within;
    }

    /// <summary>Every row, in key order.</summary>
    public IEnumerable<KeyValuePair<string, Payload>> All() => rows.Select(row => new KeyValuePair<string, Payload>(row.Key, row.Value));

    private sealed class Row(string key, Payload value)
    {
        public string Key { get; } = key;

        public Payload Value { get; set; } = value;
    }

    private sealed class RowOrder : IComparer<Row>
    {
        public static RowOrder Instance { get; } = new();

        public int Compare(Row? x, Row? y) => IndexKeyOrder.Instance.Compare(x?.Key, y?.Key);
    }
}
