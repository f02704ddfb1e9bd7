namespace MachineGrid.Persistence.Schema;

/// <summary>
/// The SQLite schema, the same tables as PostgreSQL's but membership (an embedded silo has no cluster). Tables
/// without rowid are stored in their primary key, so a scan of a key range reads neighbouring pages. Times are
/// ISO 8601 text in UTC, so they read well in sqlite3.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly Migration[] All =
    [
        new(1, "grain state, read model, reminders", """
            CREATE TABLE grain_state (
                grain_id   TEXT NOT NULL,
                state_name TEXT NOT NULL,
                version    INTEGER NOT NULL,
                state      TEXT NULL,
                written_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                PRIMARY KEY (grain_id, state_name)
            ) WITHOUT ROWID;

            CREATE TABLE read_model (
                table_name TEXT NOT NULL,
                row_key    TEXT NOT NULL,
                value      BLOB NOT NULL,
                PRIMARY KEY (table_name, row_key)
            ) WITHOUT ROWID;

            CREATE TABLE reminders (
                grain_id      TEXT NOT NULL,
                reminder_name TEXT NOT NULL,
                grain_hash    INTEGER NOT NULL,
                start_at      TEXT NOT NULL,
                period_ms     INTEGER NOT NULL,
                version       INTEGER NOT NULL,
                PRIMARY KEY (grain_id, reminder_name)
            ) WITHOUT ROWID;
            CREATE INDEX reminders_by_hash ON reminders (grain_hash);
            """),
    ];
}
