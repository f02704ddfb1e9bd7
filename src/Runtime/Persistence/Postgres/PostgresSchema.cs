namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>
/// The PostgreSQL tables. Creation is idempotent and serialized by an advisory lock, so concurrent silos may all run it.
/// Versions start at 1 and are the ETags; a NULL payload is a cleared record (tombstone); start_at (UTC) and period
/// are .NET ticks, period 0 meaning one-shot; grain_hash is <see cref="GrainId.GetStableHash"/>, for hash-range queries.
/// Index rows compare by the "C" collation (UTF-8 byte order, whatever the database's default collation), so the
/// primary key serves ordered range scans.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Creates the grain state, reminder and index tables when missing. Run inside a transaction.</summary>
    public const string Create = """
        SELECT pg_advisory_xact_lock(7296830412750021);
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type text   NOT NULL,
            grain_key  text   NOT NULL,
            state_name text   NOT NULL,
            grain_hash bigint NOT NULL,
            version    bigint NOT NULL,
            payload    bytea  NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        ) WITH (fillfactor = 80);
        CREATE TABLE IF NOT EXISTS reminders (
            grain_type text   NOT NULL,
            grain_key  text   NOT NULL,
            name       text   NOT NULL,
            grain_hash bigint NOT NULL,
            start_at   bigint NOT NULL,
            period     bigint NOT NULL,
            version    bigint NOT NULL,
            PRIMARY KEY (grain_type, grain_key, name)
        );
        CREATE INDEX IF NOT EXISTS reminders_by_grain_hash ON reminders (grain_hash);
        CREATE TABLE IF NOT EXISTS index_rows (
            table_name text COLLATE "C" NOT NULL,
            key        text COLLATE "C" NOT NULL,
            value      bytea NOT NULL,
            PRIMARY KEY (table_name, key)
        );
        """;
}
