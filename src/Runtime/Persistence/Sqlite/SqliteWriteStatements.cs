using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>The prepared statements of the write connection, reused for every batch.</summary>
internal sealed class SqliteWriteStatements : IDisposable
{
    private readonly SqliteCommand insertState;
    private readonly SqliteCommand updateState;
    private readonly SqliteCommand selectStateVersion;
    private readonly SqliteCommand upsertReminder;
    private readonly SqliteCommand deleteReminder;
    private readonly SqliteCommand deleteReminderAtVersion;
    private readonly SqliteCommand putIndexRow;
    private readonly SqliteCommand deleteIndexRow;
    private readonly SqliteCommand[] all;

    /// <summary>Prepares every statement on <paramref name="connection"/>.</summary>
    public SqliteWriteStatements(SqliteConnection connection)
    {
        insertState = Prepare(connection, """
            INSERT INTO grain_state (grain_type, grain_key, state_name, grain_hash, version, payload)
            VALUES ($type, $key, $name, $hash, 1, $payload)
            ON CONFLICT DO NOTHING
            """, "$type", "$key", "$name", "$hash", "$payload");
        updateState = Prepare(connection, """
            UPDATE grain_state SET payload = $payload, version = version + 1
            WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version
            """, "$type", "$key", "$name", "$version", "$payload");
        selectStateVersion = Prepare(connection, """
            SELECT version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name
            """, "$type", "$key", "$name");
        upsertReminder = Prepare(connection, """
            INSERT INTO reminders (grain_type, grain_key, name, grain_hash, start_at, period, version)
            VALUES ($type, $key, $name, $hash, $start, $period, 1)
            ON CONFLICT (grain_type, grain_key, name)
            DO UPDATE SET start_at = excluded.start_at, period = excluded.period, version = reminders.version + 1
            RETURNING version
            """, "$type", "$key", "$name", "$hash", "$start", "$period");
        deleteReminder = Prepare(connection, """
            DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name
            """, "$type", "$key", "$name");
        deleteReminderAtVersion = Prepare(connection, """
            DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name AND version = $version
            """, "$type", "$key", "$name", "$version");
        putIndexRow = Prepare(connection, """
            INSERT INTO index_rows (table_name, key, value) VALUES ($table, $key, $value)
            ON CONFLICT (table_name, key) DO UPDATE SET value = excluded.value
            """, "$table", "$key", "$value");
        deleteIndexRow = Prepare(connection, """
            DELETE FROM index_rows WHERE table_name = $table AND key = $key
            """, "$table", "$key");
        all = [insertState, updateState, selectStateVersion, upsertReminder, deleteReminder, deleteReminderAtVersion, putIndexRow, deleteIndexRow];
    }

    /// <summary>Makes every statement run inside <paramref name="transaction"/>.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        foreach (var command in all)
        {
            command.Transaction = transaction;
        }
    }

    /// <summary>Applies one write and records its outcome on it.</summary>
    public void Apply(PendingWrite write)
    {
        switch (write)
        {
            case PendingStateWrite state:
                ApplyState(state);
                break;
            case PendingReminderUpsert upsert:
                BindKey(upsertReminder, upsert);
                upsertReminder.Parameters[3].Value = (long)upsert.GrainId.GetStableHash();
                upsertReminder.Parameters[4].Value = upsert.StartAtTicks;
                upsertReminder.Parameters[5].Value = upsert.PeriodTicks;
                upsert.RecordStored((long)upsertReminder.ExecuteScalar()!);
                break;
            case PendingReminderRemoval removal:
                var delete = removal.ExpectedVersion is null ? deleteReminder : deleteReminderAtVersion;
                BindKey(delete, removal);
                if (removal.ExpectedVersion is { } version)
                {
                    delete.Parameters[3].Value = version;
                }
                removal.RecordRemoved(delete.ExecuteNonQuery() > 0);
                break;
            case PendingIndexWrite index:
                ApplyIndex(index);
                break;
            default:
                throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(write));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var command in all)
        {
            command.Dispose();
        }
    }

    private void ApplyState(PendingStateWrite write)
    {
        int changed;
        if (write.ExpectedVersion is { } version)
        {
            BindKey(updateState, write);
            updateState.Parameters[3].Value = version;
            updateState.Parameters[4].Value = (object?)write.Data ?? DBNull.Value;
            changed = updateState.ExecuteNonQuery();
        }
        else
        {
            BindKey(insertState, write);
            insertState.Parameters[3].Value = (long)write.GrainId.GetStableHash();
            insertState.Parameters[4].Value = (object?)write.Data ?? DBNull.Value;
            changed = insertState.ExecuteNonQuery();
        }
        if (changed == 1)
        {
            write.RecordApplied();
        }
        else
        {
            BindKey(selectStateVersion, write);
            write.RecordConflict(selectStateVersion.ExecuteScalar() is long stored ? stored : null);
        }
    }

    private void ApplyIndex(PendingIndexWrite write)
    {
        foreach (var change in write.Changes)
        {
            var command = change.Value is null ? deleteIndexRow : putIndexRow;
            command.Parameters[0].Value = change.Table;
            command.Parameters[1].Value = change.Key;
            if (change.Value is { } value)
            {
                command.Parameters[2].Value = value;
            }
            command.ExecuteNonQuery();
        }
    }

    private static void BindKey(SqliteCommand command, PendingRecordWrite write)
    {
        command.Parameters[0].Value = write.GrainId.Type;
        command.Parameters[1].Value = write.GrainId.Key;
        command.Parameters[2].Value = write.Name;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }
}
