using System.Data.Common;
using MachineGrid.Persistence.Schema;
using MachineGrid.Persistence.Writes;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Persistence.Sqlite;

/// <summary>
/// SQLite in WAL mode with <c>synchronous=FULL</c>, so a commit returns after the log is flushed to disk. One
/// connection writes, guarded by a lock; reads use pooled connections of their own and never wait for the writer.
/// </summary>
internal sealed class SqliteDatabase(string path) : StorageDatabase
{
    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private readonly SemaphoreSlim writerLock = new(1, 1);
    private SqliteWriter? writer;
    private FileStream? ownership;

    public override string Kind => "SQLite";

    public string Path => path;

    public static string CheckPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new StorageConfigurationException("UseSqlite: the database path is empty. Give the file to store in, for example ./data/machinegrid.db.");
        }
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new StorageConfigurationException($"UseSqlite: '{full}' is a folder; give the path of the database file inside it.");
        }
        return full;
    }

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await OpenAsync(cancellationToken, forWriting: true).ConfigureAwait(false);
    }

    public override async Task<StoredState?> ReadStateAsync(string grainId, string stateName, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, state FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId);
        command.Parameters.AddWithValue("$name", stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredState(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }

    public override async Task CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await writerLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            writer ??= new SqliteWriter(await OpenAsync(cancellationToken, forWriting: true).ConfigureAwait(false));
            try
            {
                writer.Commit(batch);
            }
            catch
            {
                writer.Dispose();
                writer = null;
                throw;
            }
        }
        finally
        {
            writerLock.Release();
        }
    }

    public override async Task<IReadOnlyList<ReadModelRow>> ScanAsync(string table, KeyRange range, int limit, bool descending, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RangeCommand(connection, "row_key, value", table, range);
        command.CommandText += $" ORDER BY row_key {(descending ? "DESC" : "ASC")} LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        var rows = new List<ReadModelRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ReadModelRow(reader.GetString(0), (byte[])reader.GetValue(1)));
        }
        return rows;
    }

    public override async Task<long> CountAsync(string table, KeyRange range, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RangeCommand(connection, "count(*)", table, range);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public override async ValueTask DisposeAsync()
    {
        await writerLock.WaitAsync().ConfigureAwait(false);
        writer?.Dispose();
        writer = null;
        writerLock.Release();
        SqliteConnection.ClearAllPools();
        ownership?.Dispose();
        ownership = null;
    }

    protected override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        ownership ??= TakeOwnership();
        await using var connection = await OpenAsync(cancellationToken, forWriting: true).ConfigureAwait(false);
        Execute(connection, "PRAGMA journal_mode = WAL");
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            var current = Convert.ToInt32(Scalar(connection, "SELECT coalesce(max(version), 0) FROM schema_migrations"), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var migration in SqliteMigrations.All.Where(m => m.Version > current))
            {
                Execute(connection, migration.Sql);
                using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($v, $d, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$d", migration.Description);
                record.ExecuteNonQuery();
            }
            Execute(connection, "COMMIT");
        }
        catch
        {
            Execute(connection, "ROLLBACK");
            throw;
        }
    }

    /// <summary>A pooled connection; one that writes flushes the log at every commit (<c>synchronous=FULL</c>).</summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken, bool forWriting = false)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (forWriting)
            {
                Execute(connection, "PRAGMA synchronous = FULL");
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One silo owns an SQLite database: it holds an exclusive lock on a file beside it for as long as it runs, and the
    /// operating system lets go of it when the process ends, however it ends.
    /// </summary>
    private FileStream TakeOwnership()
    {
        var lockPath = path + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StorageConfigurationException(
                $"UseSqlite: the database {path} is in use by another silo, which holds {lockPath}. One silo owns an SQLite database; run a cluster on PostgreSQL.");
        }
    }

    private static SqliteCommand RangeCommand(SqliteConnection connection, string columns, string table, KeyRange range)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM read_model WHERE table_name = $table AND row_key {(range.LowerExclusive ? ">" : ">=")} $lower";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$lower", range.Lower);
        if (range.Upper is { } upper)
        {
            command.CommandText += " AND row_key < $upper";
            command.Parameters.AddWithValue("$upper", upper);
        }
        return command;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
