using MachineGrid.Runtime.Persistence.GroupCommit;
using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Index rows in a SQLite file. Changes are journaled with grain state; scans and counts read SQLite on pooled read
/// connections and lay the journal's unapplied rows over it.
/// </summary>
internal sealed class SqliteIndexStore(SqliteDatabase database) : IIndexStore
{
    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken = default) =>
        database.ApplyIndexChangesAsync(changes, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<IndexRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default)
    {
        IndexArguments.ValidateScan(table, prefix, after, limit);
        var range = IndexRange.ForScan(prefix, after, descending);
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Unapplied rows first: a set applied after this is still found in SQLite, since SQLite is read after.
        var unapplied = database.Unapplied.IndexRows(table, range);
        // Each unapplied row hides at most one stored row, so this many stored rows are enough to fill the page.
        var stored = await ReadRowsAsync(connection, IndexQuery.Scan(table, range, limit + unapplied.Count, descending), cancellationToken).ConfigureAwait(false);
        if (unapplied.Count == 0)
        {
            return stored;
        }
        if (descending)
        {
            unapplied.Reverse();
        }
        return Merge(stored, unapplied, limit, storedComplete: stored.Count < limit + unapplied.Count, descending);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string table, string prefix, CancellationToken cancellationToken = default)
    {
        IndexArguments.ValidateCount(table, prefix);
        var range = IndexRange.ForPrefix(prefix);
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        var unapplied = database.Unapplied.IndexRows(table, range);
        // One read transaction, so the count and the checks below see the same SQLite state while an apply commits.
        // Deferred: an immediate one would take the write lock and hold up the apply.
        using var snapshot = connection.BeginTransaction(deferred: true);
        await using var command = Command(connection, IndexQuery.Count(table, range));
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (unapplied.Count == 0)
        {
            return count;
        }
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT 1 FROM index_rows WHERE table_name = $1 AND key = $2";
        exists.Parameters.AddWithValue("$1", table);
        var key = exists.Parameters.Add("$2", SqliteType.Text);
        foreach (var (rowKey, value) in unapplied)
        {
            key.Value = rowKey;
            var isStored = await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            count += (value is not null, isStored) switch
            {
                (true, false) => 1,
                (false, true) => -1,
                _ => 0,
            };
        }
        return count;
    }

    /// <summary>A command running <paramref name="query"/> on <paramref name="connection"/>.</summary>
    internal static SqliteCommand Command(SqliteConnection connection, IndexQuery query)
    {
        var command = connection.CreateCommand();
        command.CommandText = query.Sql;
        for (var i = 0; i < query.Parameters.Count; i++)
        {
            command.Parameters.AddWithValue($"${i + 1}", query.Parameters[i]);
        }
        return command;
    }

    private static async Task<List<IndexRow>> ReadRowsAsync(SqliteConnection connection, IndexQuery query, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<IndexRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new IndexRow(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        }
        return rows;
    }

    /// <summary>
    /// Lays <paramref name="unapplied"/> rows (null value: deleted) over <paramref name="stored"/> ones, both in scan
    /// order, and takes the first <paramref name="limit"/>. When the stored rows were cut at their limit, rows past the
    /// last of them are unknown, so nothing past it is returned.
    /// </summary>
    private static List<IndexRow> Merge(List<IndexRow> stored, List<KeyValuePair<string, byte[]?>> unapplied, int limit, bool storedComplete, bool descending)
    {
        var rows = new List<IndexRow>(limit);
        int s = 0, u = 0;
        while (rows.Count < limit && (s < stored.Count || u < unapplied.Count))
        {
            var order = s == stored.Count ? 1 : u == unapplied.Count ? -1 : IndexKeyOrder.Instance.Compare(stored[s].Key, unapplied[u].Key) * (descending ? -1 : 1);
            if (order < 0)
            {
                rows.Add(stored[s++]);
                continue;
            }
            if (s == stored.Count && !storedComplete)
            {
                break;
            }
            var (key, value) = unapplied[u++];
            s += order == 0 ? 1 : 0;
            if (value is not null)
            {
                rows.Add(new IndexRow(key, value));
            }
        }
        return rows;
    }
}
