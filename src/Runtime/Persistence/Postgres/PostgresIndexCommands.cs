using MachineGrid.Runtime.Persistence.GroupCommit;
using Npgsql;
using NpgsqlTypes;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>
/// Turns every index write of a batch into at most two statements: one delete and one upsert, each taking its rows as
/// arrays. Puts and deletes overwrite without reading, so the last change to a key in queue order decides its final
/// row; the statements apply just those last changes, each sorted by table and key so silos lock rows in one order.
/// Silos deleting and putting the same keys at once can still deadlock across the two statements; the batch writer
/// retries a deadlocked batch.
/// </summary>
internal static class PostgresIndexCommands
{
    private const string Delete = """
        DELETE FROM index_rows AS row USING unnest($1::text[], $2::text[]) AS gone (table_name, key)
        WHERE row.table_name = gone.table_name AND row.key = gone.key
        """;

    private const string Upsert = """
        INSERT INTO index_rows (table_name, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])
        ON CONFLICT (table_name, key) DO UPDATE SET value = excluded.value
        """;

    /// <summary>The statements applying <paramref name="writes"/> (in queue order); none when there are no writes.</summary>
    public static IEnumerable<NpgsqlBatchCommand> For(IReadOnlyList<PendingIndexWrite> writes)
    {
        if (writes.Count == 0)
        {
            yield break;
        }
        var last = new Dictionary<(string Table, string Key), byte[]?>();
        foreach (var change in writes.SelectMany(write => write.Changes))
        {
            last[(change.Table, change.Key)] = change.Value;
        }
        var ordered = last
            .OrderBy(row => row.Key.Table, StringComparer.Ordinal)
            .ThenBy(row => row.Key.Key, IndexKeyOrder.Instance)
            .ToList();
        var deletes = ordered.Where(row => row.Value is null).ToList();
        if (deletes.Count > 0)
        {
            yield return Command(Delete, deletes.Select(row => row.Key.Table), deletes.Select(row => row.Key.Key));
        }
        var puts = ordered.Where(row => row.Value is not null).ToList();
        if (puts.Count > 0)
        {
            var command = Command(Upsert, puts.Select(row => row.Key.Table), puts.Select(row => row.Key.Key));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = puts.Select(row => row.Value!).ToArray() });
            yield return command;
        }
    }

    private static NpgsqlBatchCommand Command(string sql, IEnumerable<string> tables, IEnumerable<string> keys)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = tables.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.ToArray() });
        return command;
    }
}
