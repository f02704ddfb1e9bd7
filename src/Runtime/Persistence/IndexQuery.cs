namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// A read of the <c>index_rows</c> table over one key range, in SQL that SQLite and PostgreSQL both run: parameters
/// <c>$1</c>, <c>$2</c>, ... bound in <see cref="Parameters"/> order. The conditions are the leading primary-key column
/// by equality and the key by range, so both databases answer with a range scan of the primary key.
/// </summary>
internal sealed record IndexQuery(string Sql, IReadOnlyList<object> Parameters)
{
    /// <summary>Key and value of at most <paramref name="limit"/> rows of <paramref name="range"/>, in key order.</summary>
    public static IndexQuery Scan(string table, IndexRange range, int limit, bool descending)
    {
        var (where, parameters) = Where(table, range);
        parameters.Add(limit);
        return new($"SELECT key, value FROM index_rows WHERE {where} ORDER BY key {(descending ? "DESC" : "ASC")} LIMIT ${parameters.Count}", parameters);
    }

    /// <summary>The number of rows of <paramref name="range"/>.</summary>
    public static IndexQuery Count(string table, IndexRange range)
    {
        var (where, parameters) = Where(table, range);
        return new($"SELECT count(*) FROM index_rows WHERE {where}", parameters);
    }

    private static (string Where, List<object> Parameters) Where(string table, IndexRange range)
    {
        var lower = $"table_name = $1 AND key {(range.LowerExclusive ? ">" : ">=")} $2";
        return range.Upper is { } upper
            ? ($"{lower} AND key < $3", [table, range.Lower, upper])
            : (lower, [table, range.Lower]);
    }
}
