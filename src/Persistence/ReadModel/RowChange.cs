namespace MachineGrid.Persistence;

/// <summary>A put (with a value) or a delete (null value) of one read-model row.</summary>
public sealed record RowChange(string Table, string Key, byte[]? Value)
{
    public static RowChange Put(string table, string key, byte[] value) => new(table, key, value);

    public static RowChange Delete(string table, string key) => new(table, key, null);
}

/// <summary>One stored read-model row.</summary>
public sealed record ReadModelRow(string Key, byte[] Value);
