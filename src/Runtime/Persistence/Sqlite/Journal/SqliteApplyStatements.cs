using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>Writes a <see cref="ChangeSet"/>'s images into the SQLite tables, on the applier's connection.</summary>
internal sealed class SqliteApplyStatements : SqliteStatements
{
    private readonly sqlite3_stmt putState;
    private readonly sqlite3_stmt putReminder;
    private readonly sqlite3_stmt deleteReminder;
    private readonly sqlite3_stmt putIndexRow;
    private readonly sqlite3_stmt deleteIndexRow;
    private readonly sqlite3_stmt markApplied;
    private readonly sqlite3_stmt appliedThrough;

    /// <summary>Prepares the statements on <paramref name="connection"/>.</summary>
    public SqliteApplyStatements(SqliteConnection connection)
        : base(connection)
    {
        putState = Prepare("""
            INSERT INTO grain_state (grain_type, grain_key, state_name, grain_hash, version, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE SET version = excluded.version, payload = excluded.payload
            """);
        putReminder = Prepare("""
            INSERT INTO reminders (grain_type, grain_key, name, grain_hash, start_at, period, version)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (grain_type, grain_key, name)
            DO UPDATE SET start_at = excluded.start_at, period = excluded.period, version = excluded.version
            """);
        deleteReminder = Prepare("""
            DELETE FROM reminders WHERE grain_type = ?1 AND grain_key = ?2 AND name = ?3
            """);
        putIndexRow = Prepare("""
            INSERT INTO index_rows (table_name, key, value) VALUES (?1, ?2, ?3)
            ON CONFLICT (table_name, key) DO UPDATE SET value = excluded.value
            """);
        deleteIndexRow = Prepare("""
            DELETE FROM index_rows WHERE table_name = ?1 AND key = ?2
            """);
        markApplied = Prepare("""
            INSERT INTO journal_state (id, applied_through) VALUES (1, ?1)
            ON CONFLICT (id) DO UPDATE SET applied_through = max(applied_through, excluded.applied_through)
            """);
        appliedThrough = Prepare("""
            SELECT applied_through FROM journal_state WHERE id = 1
            """);
    }

    /// <summary>The number of the last journal file SQLite holds the changes of; 0 when none.</summary>
    public long AppliedThrough() => ScalarInt64(appliedThrough) ?? 0;

    /// <summary>Records, within the caller's transaction, that SQLite holds the changes of journal files up to <paramref name="sequence"/>.</summary>
    public void MarkApplied(long sequence)
    {
        BindInt64(markApplied, 1, sequence);
        Execute(markApplied);
    }

    /// <summary>Writes every image of <paramref name="changes"/>, within the caller's transaction.</summary>
    public void Apply(ChangeSet changes)
    {
        foreach (var (key, image) in changes.States)
        {
            BindKey(putState, key.Type, key.Key, key.Name);
            BindInt64(putState, 4, (long)key.GrainId.GetStableHash());
            BindInt64(putState, 5, image.Version);
            BindBlob(putState, 6, image.Data);
            Execute(putState);
        }
        foreach (var (key, image) in changes.Reminders)
        {
            var statement = image is null ? deleteReminder : putReminder;
            BindKey(statement, key.Type, key.Key, key.Name);
            if (image is not null)
            {
                BindInt64(statement, 4, (long)key.GrainId.GetStableHash());
                BindInt64(statement, 5, image.StartAtTicks);
                BindInt64(statement, 6, image.PeriodTicks);
                BindInt64(statement, 7, image.Version);
            }
            Execute(statement);
        }
        foreach (var (table, rows) in changes.Tables)
        {
            foreach (var (key, value) in rows.All())
            {
                var statement = value.IsNone ? deleteIndexRow : putIndexRow;
                BindText(statement, 1, table);
                BindText(statement, 2, key.Span);
                if (!value.IsNone)
                {
                    BindBlob(statement, 3, value);
                }
                Execute(statement);
            }
        }
    }
}
