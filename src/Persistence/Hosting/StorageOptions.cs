using System.Text.Json;

namespace MachineGrid.Persistence;

/// <summary>What <c>AddMachineGridStorage</c> wires: one database, SQLite or PostgreSQL, and how it commits.</summary>
public sealed class StorageOptions
{
    public const string DefaultStorageName = "Default";

    internal string? SqlitePath { get; private set; }

    internal string? PostgresConnectionString { get; private set; }

    /// <summary>The grain storage name grains give in <c>[PersistentState(name, storageName)]</c>; it is also the default storage.</summary>
    public string StorageName { get; set; } = DefaultStorageName;

    /// <summary>Concurrent writes share one transaction. Off: one transaction per write.</summary>
    public bool GroupCommit { get; set; } = true;

    public int MaxBatchWrites { get; set; } = 1024;

    public long MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most ordinary writes that join a commit of urgent ones (<see cref="WritePriority"/>), so that commit stays
    /// short while a burst of ordinary writes waits.
    /// </summary>
    public int MaxWritesBesideUrgent { get; set; } = 128;

    /// <summary>Connections in the PostgreSQL pool; keep it well under the server's <c>max_connections</c>.</summary>
    public int MaxPoolSize { get; set; } = 32;

    /// <summary>Serializer settings for grain state; add a source-generated context to its resolver chain where it pays.</summary>
    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Also wire the reminder table (on by default).</summary>
    public bool Reminders { get; set; } = true;

    /// <summary>Also wire the membership table on PostgreSQL (on by default; SQLite has none).</summary>
    public bool Membership { get; set; } = true;

    public StorageOptions UseSqlite(string path)
    {
        SqlitePath = path;
        PostgresConnectionString = null;
        return this;
    }

    public StorageOptions UsePostgres(string connectionString)
    {
        PostgresConnectionString = connectionString;
        SqlitePath = null;
        return this;
    }

    internal bool IsPostgres => PostgresConnectionString is not null;

    /// <summary>Checks every setting and throws <see cref="StorageConfigurationException"/> naming the one that is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StorageName))
        {
            throw new StorageConfigurationException("MachineGrid storage: StorageName is empty.");
        }
        if (MaxBatchWrites < 1 || MaxBatchBytes < 1 || MaxWritesBesideUrgent < 1 || MaxPoolSize < 2)
        {
            throw new StorageConfigurationException("MachineGrid storage: MaxBatchWrites, MaxBatchBytes and MaxWritesBesideUrgent must be positive, and MaxPoolSize at least 2.");
        }
        ArgumentNullException.ThrowIfNull(Json);
        if (PostgresConnectionString is not null)
        {
            Postgres.PostgresDatabase.CheckConnectionString(PostgresConnectionString, MaxPoolSize);
        }
        else if (SqlitePath is not null)
        {
            Sqlite.SqliteDatabase.CheckPath(SqlitePath);
        }
        else
        {
            throw new StorageConfigurationException("MachineGrid storage has no database: call UseSqlite(path) or UsePostgres(connectionString).");
        }
    }

    /// <summary>Where the data lives, for messages: the SQLite file, or PostgreSQL's host, port and database (never the password).</summary>
    internal string Describe() => PostgresConnectionString is not null
        ? Postgres.PostgresDatabase.Describe(PostgresConnectionString)
        : $"file {SqlitePath}";

    internal StorageDatabase CreateDatabase()
    {
        Validate();
        return PostgresConnectionString is not null
            ? new Postgres.PostgresDatabase(Postgres.PostgresDatabase.BuildDataSource(PostgresConnectionString, MaxPoolSize))
            : new Sqlite.SqliteDatabase(Sqlite.SqliteDatabase.CheckPath(SqlitePath!));
    }
}

/// <summary>The storage settings are missing or wrong; the message names the setting.</summary>
public sealed class StorageConfigurationException(string message) : Exception(message);
