using System.Collections.Concurrent;
using MachineGrid.Runtime.Persistence.GroupCommit;
using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// One SQLite database file shared by the grain storage, the reminder table and the index store: its schema and
/// journal (opened on first use), pooled read connections, and the group committer. Writes are made durable in the
/// write-behind journal and reach SQLite later (<see cref="SqliteJournal"/>); reads see the journal's unapplied
/// changes over what SQLite holds.
/// </summary>
internal sealed class SqliteDatabase : IWriteQueue, IAsyncDisposable, IDisposable
{
    private readonly string readConnectionString;
    private readonly SchemaInitializer schema;
    private readonly GroupCommitter committer;
    private readonly SqliteJournal journal;
    private readonly SqliteWalCheckpointer checkpointer;
    private readonly WalBacklog backlog;

    /// <summary>Prepared state reads, each on its own open connection, reused: activating a grain reads its state.</summary>
    private readonly ConcurrentBag<SqliteCommand> stateReaders = [];
    private int disposed;

    /// <summary>Opens (lazily) the database at <paramref name="path"/>, creating its folder when missing.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="logger">Receives commit and checkpoint failures.</param>
    /// <param name="limits">Batch bounds of the group committer.</param>
    /// <param name="flushJournal">Flushes a journal file to disk; tests pass one that waits or fails.</param>
    /// <param name="checkpoints">When SQLite's write-ahead log is copied into the database file in the background.</param>
    /// <param name="journalPolicy">When the journal's changes are applied to SQLite.</param>
    public SqliteDatabase(
        string path, ILogger? logger = null, GroupCommitLimits? limits = null, Action<FileStream>? flushJournal = null, CheckpointPolicy? checkpoints = null, JournalPolicy? journalPolicy = null)
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
        logger ??= NullLogger.Instance;
        journalPolicy ??= JournalPolicy.Default;
        backlog = new WalBacklog(TimeProvider.System);
        journal = new SqliteJournal(Path, writeConnectionString, backlog, journalPolicy, RequestApply, flushJournal, logger);
        schema = new SchemaInitializer(_ =>
        {
            journal.Open(SqliteSchema.WriterPragmas + SqliteSchema.Create);
            return Task.CompletedTask;
        });
        committer = new GroupCommitter(new SqliteJournalWriter(journal, schema, journalPolicy), "sqlite", limits ?? GroupCommitLimits.Default, logger);
        checkpointer = new SqliteWalCheckpointer(readConnectionString, () => schema.IsCreated, backlog, checkpoints ?? CheckpointPolicy.Default, TimeProvider.System, logger);
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>What the journal holds that SQLite does not yet; reads merge it over SQLite's rows.</summary>
    public UnappliedChanges Unapplied => journal.Changes;

    /// <inheritdoc />
    public void Enqueue(PendingWrite write) => committer.Enqueue(write);

    /// <summary>
    /// Stops the storage as a killed process would, for crash tests: writes not yet flushed are lost, unapplied
    /// changes stay in the journal files, and the lock is released so a second silo can open the database.
    /// </summary>
    public void Abandon()
    {
        if (schema.IsCreated)
        {
            journal.Abandon();
        }
    }

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

    /// <summary>Reads one grain state row on a pooled prepared command.</summary>
    public async ValueTask<StoredState?> ReadStateAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var command = stateReaders.TryTake(out var pooled) ? pooled : await CreateStateReaderAsync(cancellationToken).ConfigureAwait(false);
        if (journal.Changes.TryReadState(new RecordKey(grainId.Type, grainId.Key, stateName), out var data, out var version))
        {
            stateReaders.Add(command);
            return new StoredState(data, StorageVersion.ToETag(version));
        }
        try
        {
            command.Parameters[0].Value = grainId.Type;
            command.Parameters[1].Value = grainId.Key;
            command.Parameters[2].Value = stateName;
            StoredState? state = null;
            using (var reader = command.ExecuteReader())
            {
                if (reader.Read())
                {
                    state = new StoredState(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), StorageVersion.ToETag(reader.GetInt64(1)));
                }
            }
            if (Volatile.Read(ref disposed) == 0)
            {
                stateReaders.Add(command);
                command = null;
            }
            return state;
        }
        finally
        {
            if (command is not null)
            {
                command.Connection?.Dispose();
                command.Dispose();
            }
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
        checkpointer.Dispose();
        backlog.Dispose();
        while (stateReaders.TryTake(out var reader))
        {
            reader.Connection?.Dispose();
            reader.Dispose();
        }
        using var pooled = new SqliteConnection(readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    /// <summary>Blocking <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<SqliteCommand> CreateStateReaderAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = connection.CreateCommand();
        command.CommandText = """
            SELECT payload, version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name
            """;
        command.Parameters.Add(new SqliteParameter("$type", SqliteType.Text));
        command.Parameters.Add(new SqliteParameter("$key", SqliteType.Text));
        command.Parameters.Add(new SqliteParameter("$name", SqliteType.Text));
        command.Prepare();
        return command;
    }

    private void RequestApply()
    {
        try
        {
            committer.Enqueue(new PendingApplyRequest());
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: closing the journal applies what is left.
        }
    }
}
