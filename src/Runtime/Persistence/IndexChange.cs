namespace MachineGrid.Runtime.Persistence;

/// <summary>A put (with <paramref name="Value"/>) or a delete (null value) of one index row.</summary>
public sealed record IndexChange(string Table, string Key, byte[]? Value)
{
    /// <summary>Inserts or replaces a row.</summary>
    public static IndexChange Put(string table, string key, byte[] value) => new(table, key, value);

    /// <summary>Removes a row if present.</summary>
    public static IndexChange Delete(string table, string key) => new(table, key, null);
}
