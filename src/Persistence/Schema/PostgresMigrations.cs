namespace MachineGrid.Persistence.Schema;

/// <summary>
/// The PostgreSQL schema. Text keys use the "C" collation, so the primary keys serve range scans in code-point order
/// whatever the database's default collation. Versions are the ETags and start at 1; a NULL state is a cleared record.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Held for the whole migration transaction, so silos that start together run the steps once, one after another.</summary>
    public const long AdvisoryLockKey = 0x4D47_5354_4F52_4531;

    public static readonly Migration[] All =
    [
        new(1, "grain state, read model, reminders, membership", """
            CREATE TABLE grain_state (
                grain_id   text COLLATE "C" NOT NULL,
                state_name text COLLATE "C" NOT NULL,
                version    bigint NOT NULL,
                state      json NULL,
                written_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (grain_id, state_name)
            ) WITH (fillfactor = 80);

            CREATE TABLE read_model (
                table_name text COLLATE "C" NOT NULL,
                row_key    text COLLATE "C" NOT NULL,
                value      bytea NOT NULL,
                PRIMARY KEY (table_name, row_key)
            );

            CREATE TABLE reminders (
                grain_id      text COLLATE "C" NOT NULL,
                reminder_name text COLLATE "C" NOT NULL,
                grain_hash    bigint NOT NULL,
                start_at      timestamptz NOT NULL,
                period_ms     bigint NOT NULL,
                version       bigint NOT NULL,
                PRIMARY KEY (grain_id, reminder_name)
            );
            CREATE INDEX reminders_by_hash ON reminders (grain_hash);

            CREATE TABLE membership_version (
                cluster_id text PRIMARY KEY,
                version    integer NOT NULL
            );

            CREATE TABLE membership (
                cluster_id      text NOT NULL,
                silo_address    text NOT NULL,
                silo_name       text NOT NULL,
                host_name       text NOT NULL,
                status          integer NOT NULL,
                proxy_port      integer NOT NULL,
                suspect_times   text NULL,
                start_time      timestamptz NOT NULL,
                i_am_alive_time timestamptz NOT NULL,
                version         bigint NOT NULL,
                PRIMARY KEY (cluster_id, silo_address),
                FOREIGN KEY (cluster_id) REFERENCES membership_version (cluster_id) ON DELETE CASCADE
            );
            """),
    ];
}
