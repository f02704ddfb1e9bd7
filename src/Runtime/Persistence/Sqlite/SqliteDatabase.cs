using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// One SQLite database file shared by the grain storage, the reminder table and the index store: its schema (created on first use),
/// pooled read connections, and the group committer that owns the single write connection.
/// </summary>
internal sealed class SqliteDatabase : IWriteQueue, IAsyncDisposable, IDisposable
{
    private readonly string readConnectionString;
    private readonly SchemaInitializer schema;
    private readonly GroupCommitter committer;
    private int disposed;

    /// <summary>Opens (lazily) the database at <paramref name="path"/>, creating its folder when missing.</summary>
    public SqliteDatabase(string path, ILogger? logger = null, GroupCommitLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
        var writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ConnectionString;
        readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
        }.ConnectionString;
        schema = new SchemaInitializer(_ => CreateSchema(writeConnectionString));
        committer = new GroupCommitter(
            new SqliteBatchWriter(writeConnectionString, schema), "sqlite", limits ?? GroupCommitLimits.Default, logger ?? NullLogger.Instance);
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Enqueue(PendingWrite write) => committer.Enqueue(write);

    /// <summary>Opens a pooled read connection once the schema exists. Dispose it to return it to the pool.</summary>
    public async ValueTask<SqliteConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        await schema.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(readConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Stops accepting writes, commits those queued, and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }
        await committer.DisposeAsync().ConfigureAwait(false);
        using var pooled = new SqliteConnection(readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    /// <summary>Blocking <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static Task CreateSchema(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteSchema.WriterPragmas + SqliteSchema.Create;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }
}
