using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>Index rows in a SQLite file. Scans and counts use pooled read connections; changes are group-committed with grain state.</summary>
internal sealed class SqliteIndexStore(SqliteDatabase database) : IIndexStore
{
    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken = default) =>
        database.ApplyIndexChangesAsync(changes, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<IndexRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default)
    {
        IndexArguments.ValidateScan(table, prefix, after, limit);
        var query = IndexQuery.Scan(table, IndexRange.ForScan(prefix, after, descending), limit, descending);
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<IndexRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new IndexRow(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        }
        return rows;
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string table, string prefix, CancellationToken cancellationToken = default)
    {
        IndexArguments.ValidateCount(table, prefix);
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, IndexQuery.Count(table, IndexRange.ForPrefix(prefix)));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
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
}
