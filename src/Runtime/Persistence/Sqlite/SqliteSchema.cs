namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// The SQLite tables, laid out like the PostgreSQL ones. Every statement is idempotent, so running it at each start is safe.
/// Versions start at 1 and are the ETags; a NULL payload is a cleared record (tombstone); start_at (UTC) and period
/// are .NET ticks, period 0 meaning one-shot; grain_hash is <see cref="GrainId.GetStableHash"/>. Index rows are
/// clustered by (table_name, key); TEXT compares with SQLite's default BINARY collation, which is UTF-8 byte (code
/// point) order. It is left undeclared on purpose: a declared <c>COLLATE BINARY</c> (as databases made before declare;
/// the order is the same) has SQLite compare keys through a collation function instead of its memcmp fast path.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>
    /// Connection settings of the write connection, which applies the journal's changes and replays it: WAL, commits
    /// that are on disk when they return (the journal file that held the changes is deleted after), a wait on locks
    /// held by other processes, and a 16 MiB page cache, enough for the pages the runs of a busy fleet touch (with
    /// SQLite's default of 2 MiB the writer re-read about ten pages per run lifecycle from the file; a 64 MiB cache
    /// cost more in cache upkeep than it saved).
    /// </summary>
    public const string WriterPragmas = """
        PRAGMA busy_timeout = 30000;
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA wal_autocheckpoint = 16384;
        PRAGMA cache_size = -16384;
        """;

    /// <summary>
    /// Creates the grain state, reminder and index tables when missing, and the journal's state: the number of the last
    /// journal file whose changes SQLite holds (written in the same transaction as those changes), so a replay skips
    /// an applied file that a crash or power loss left on disk.
    /// </summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type TEXT NOT NULL,
            grain_key  TEXT NOT NULL,
            state_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            version    INTEGER NOT NULL,
            payload    BLOB NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        );
        CREATE TABLE IF NOT EXISTS reminders (
            grain_type TEXT NOT NULL,
            grain_key  TEXT NOT NULL,
            name       TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at   INTEGER NOT NULL,
            period     INTEGER NOT NULL,
            version    INTEGER NOT NULL,
            PRIMARY KEY (grain_type, grain_key, name)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS reminders_by_grain_hash ON reminders (grain_hash);
        CREATE TABLE IF NOT EXISTS index_rows (
            table_name TEXT NOT NULL,
            key        TEXT NOT NULL,
            value      BLOB NOT NULL,
            PRIMARY KEY (table_name, key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal_state (
            id              INTEGER PRIMARY KEY CHECK (id = 1),
            applied_through INTEGER NOT NULL
        );
        """;
}
