using System.Text;
using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// The prepared statements of the write connection, reused for every batch. They are driven through SQLite's own API
/// (bind by position, step, reset): the single writer is the bottleneck of every durable write, and the ADO.NET
/// command layer costs several times what SQLite itself does per row.
/// </summary>
internal sealed class SqliteWriteStatements : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt insertState;
    private readonly sqlite3_stmt updateState;
    private readonly sqlite3_stmt selectStateVersion;
    private readonly sqlite3_stmt upsertReminder;
    private readonly sqlite3_stmt deleteReminder;
    private readonly sqlite3_stmt deleteReminderAtVersion;
    private readonly sqlite3_stmt putIndexRow;
    private readonly sqlite3_stmt deleteIndexRow;
    private readonly sqlite3_stmt[] all;

    /// <summary>Prepares every statement on <paramref name="connection"/>.</summary>
    public SqliteWriteStatements(SqliteConnection connection)
    {
        db = connection.Handle!;
        insertState = Prepare("""
            INSERT INTO grain_state (grain_type, grain_key, state_name, grain_hash, version, payload)
            VALUES (?1, ?2, ?3, ?4, 1, ?5)
            ON CONFLICT DO NOTHING
            """);
        updateState = Prepare("""
            UPDATE grain_state SET payload = ?5, version = version + 1
            WHERE grain_type = ?1 AND grain_key = ?2 AND state_name = ?3 AND version = ?4
            """);
        selectStateVersion = Prepare("""
            SELECT version FROM grain_state WHERE grain_type = ?1 AND grain_key = ?2 AND state_name = ?3
            """);
        upsertReminder = Prepare("""
            INSERT INTO reminders (grain_type, grain_key, name, grain_hash, start_at, period, version)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
            ON CONFLICT (grain_type, grain_key, name)
            DO UPDATE SET start_at = excluded.start_at, period = excluded.period, version = reminders.version + 1
            RETURNING version
            """);
        deleteReminder = Prepare("""
            DELETE FROM reminders WHERE grain_type = ?1 AND grain_key = ?2 AND name = ?3
            """);
        deleteReminderAtVersion = Prepare("""
            DELETE FROM reminders WHERE grain_type = ?1 AND grain_key = ?2 AND name = ?3 AND version = ?4
            """);
        putIndexRow = Prepare("""
            INSERT INTO index_rows (table_name, key, value) VALUES (?1, ?2, ?3)
            ON CONFLICT (table_name, key) DO UPDATE SET value = excluded.value
            """);
        deleteIndexRow = Prepare("""
            DELETE FROM index_rows WHERE table_name = ?1 AND key = ?2
            """);
        all = [insertState, updateState, selectStateVersion, upsertReminder, deleteReminder, deleteReminderAtVersion, putIndexRow, deleteIndexRow];
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
                Check(raw.sqlite3_bind_int64(upsertReminder, 4, (long)upsert.GrainId.GetStableHash()));
                Check(raw.sqlite3_bind_int64(upsertReminder, 5, upsert.StartAtTicks));
                Check(raw.sqlite3_bind_int64(upsertReminder, 6, upsert.PeriodTicks));
                upsert.RecordStored(ScalarInt64(upsertReminder) ?? throw new SqliteException("The reminder upsert returned no version.", raw.SQLITE_ERROR));
                break;
            case PendingReminderRemoval removal:
                var delete = removal.ExpectedVersion is null ? deleteReminder : deleteReminderAtVersion;
                BindKey(delete, removal);
                if (removal.ExpectedVersion is { } version)
                {
                    Check(raw.sqlite3_bind_int64(delete, 4, version));
                }
                removal.RecordRemoved(Execute(delete) > 0);
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
        foreach (var statement in all)
        {
            statement.Dispose();
        }
    }

    private void ApplyState(PendingStateWrite write)
    {
        int changed;
        if (write.ExpectedVersion is { } version)
        {
            BindKey(updateState, write);
            Check(raw.sqlite3_bind_int64(updateState, 4, version));
            BindPayload(updateState, 5, write.Data);
            changed = Execute(updateState);
        }
        else
        {
            BindKey(insertState, write);
            Check(raw.sqlite3_bind_int64(insertState, 4, (long)write.GrainId.GetStableHash()));
            BindPayload(insertState, 5, write.Data);
            changed = Execute(insertState);
        }
        if (changed == 1)
        {
            write.RecordApplied();
        }
        else
        {
            BindKey(selectStateVersion, write);
            write.RecordConflict(ScalarInt64(selectStateVersion));
        }
    }

    private void ApplyIndex(PendingIndexWrite write)
    {
        foreach (var change in write.Changes)
        {
            var statement = change.Value is null ? deleteIndexRow : putIndexRow;
            BindText(statement, 1, change.Table);
            BindText(statement, 2, change.Key);
            if (change.Value is { } value)
            {
                Check(raw.sqlite3_bind_blob(statement, 3, value));
            }
            Execute(statement);
        }
    }

    private void BindKey(sqlite3_stmt statement, PendingRecordWrite write)
    {
        BindText(statement, 1, write.GrainId.Type);
        BindText(statement, 2, write.GrainId.Key);
        BindText(statement, 3, write.Name);
    }

    private void BindText(sqlite3_stmt statement, int index, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(value, utf8);
        Check(raw.sqlite3_bind_text(statement, index, utf8[..written]));
    }

    private void BindPayload(sqlite3_stmt statement, int index, byte[]? payload) =>
        Check(payload is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_blob(statement, index, payload));

    /// <summary>Runs a statement that returns no rows; returns the rows it changed.</summary>
    private int Execute(sqlite3_stmt statement)
    {
        try
        {
            var result = raw.sqlite3_step(statement);
            if (result != raw.SQLITE_DONE)
            {
                throw Error(result);
            }
            return raw.sqlite3_changes(db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Runs a statement that returns at most one row of one integer column.</summary>
    private long? ScalarInt64(sqlite3_stmt statement)
    {
        try
        {
            var result = raw.sqlite3_step(statement);
            return result switch
            {
                raw.SQLITE_ROW => raw.sqlite3_column_int64(statement, 0),
                raw.SQLITE_DONE => null,
                _ => throw Error(result),
            };
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement));
        return statement;
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw Error(result);
        }
    }

    private SqliteException Error(int result) => new(raw.sqlite3_errmsg(db).utf8_to_string(), result);
}
