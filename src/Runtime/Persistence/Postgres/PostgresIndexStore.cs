using MachineGrid.Runtime.Persistence.GroupCommit;
using Npgsql;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>Index rows in PostgreSQL. Scans and counts use pooled connections; changes are group-committed with grain state.</summary>
internal sealed class PostgresIndexStore(PostgresDatabase database) : IIndexStore
{
    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken = default) =>
        database.ApplyIndexChangesAsync(changes, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<IndexRow>> ScanAsync(string table, string prefix, string? after, int limit, bool descending = false, CancellationToken cancellationToken = default)
    {
        IndexArguments.ValidateScan(table, prefix, after, limit);
        await using var command = await CommandAsync(IndexQuery.Scan(table, IndexRange.ForScan(prefix, after, descending), limit, descending), cancellationToken).ConfigureAwait(false);
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
        await using var command = await CommandAsync(IndexQuery.Count(table, IndexRange.ForPrefix(prefix)), cancellationToken).ConfigureAwait(false);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async ValueTask<NpgsqlCommand> CommandAsync(IndexQuery query, CancellationToken cancellationToken)
    {
        var command = await database.CreateReadCommandAsync(query.Sql, cancellationToken).ConfigureAwait(false);
        foreach (var value in query.Parameters)
        {
            command.Parameters.Add(value is string text ? new NpgsqlParameter<string> { TypedValue = text } : new NpgsqlParameter<int> { TypedValue = (int)value });
        }
        return command;
    }
}
