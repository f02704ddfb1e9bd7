using MachineGrid.Runtime.Persistence.GroupCommit;
using Npgsql;
using NpgsqlTypes;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>
/// Builds the batch command for each kind of write. The statement texts are fixed, so Npgsql's automatic
/// preparation turns them into server-side prepared statements reused across batches.
/// </summary>
internal static class PostgresWriteCommands
{
    private const string InsertState = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, grain_hash, version, payload)
        VALUES ($1, $2, $3, $4, 1, $5)
        ON CONFLICT DO NOTHING
        """;

    private const string UpdateState = """
        UPDATE grain_state SET payload = $5, version = version + 1
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4
        """;

    private const string SelectStateVersion = """
        SELECT version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
        """;

    private const string UpsertReminder = """
        INSERT INTO reminders (grain_type, grain_key, name, grain_hash, start_at, period, version)
        VALUES ($1, $2, $3, $4, $5, $6, 1)
        ON CONFLICT (grain_type, grain_key, name)
        DO UPDATE SET start_at = excluded.start_at, period = excluded.period, version = reminders.version + 1
        RETURNING version
        """;

    private const string DeleteReminder = """
        DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3
        """;

    private const string DeleteReminderAtVersion = """
        DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND version = $4
        """;

    /// <summary>The command applying <paramref name="write"/>. A state write or removal reports success through
    /// <see cref="NpgsqlBatchCommand.RecordsAffected"/>; an upsert returns the new version as one row.</summary>
    public static NpgsqlBatchCommand For(PendingRecordWrite write) => write switch
    {
        PendingStateWrite { ExpectedVersion: { } version } state => Command(UpdateState, state, Int64(version), Bytes(state.Data)),
        PendingStateWrite state => Command(InsertState, state, Int64(state.GrainId.GetStableHash()), Bytes(state.Data)),
        PendingReminderUpsert upsert => Command(UpsertReminder, upsert, Int64(upsert.GrainId.GetStableHash()), Int64(upsert.StartAtTicks), Int64(upsert.PeriodTicks)),
        PendingReminderRemoval { ExpectedVersion: { } version } removal => Command(DeleteReminderAtVersion, removal, Int64(version)),
        PendingReminderRemoval removal => Command(DeleteReminder, removal),
        _ => throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(write)),
    };

    /// <summary>A query returning the stored version of a state record (no row when none exists).</summary>
    public static NpgsqlBatchCommand VersionOf(PendingStateWrite write) => Command(SelectStateVersion, write);

    private static NpgsqlBatchCommand Command(string sql, PendingRecordWrite write, params NpgsqlParameter[] rest)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(Text(write.GrainId.Type));
        command.Parameters.Add(Text(write.GrainId.Key));
        command.Parameters.Add(Text(write.Name));
        foreach (var parameter in rest)
        {
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };

    private static NpgsqlParameter<long> Int64(long value) => new() { TypedValue = value };

    private static NpgsqlParameter Bytes(byte[]? data) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)data ?? DBNull.Value };
}
