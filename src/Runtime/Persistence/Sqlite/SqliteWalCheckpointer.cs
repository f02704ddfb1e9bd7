using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Copies committed pages from the write-ahead log into the database file on a thread of its own, with PASSIVE
/// checkpoints that never block the writer. Without it the writer does all of that copying itself when the log reaches
/// <c>wal_autocheckpoint</c> pages, stalling every commit queued behind it for a hundred milliseconds or more; now its
/// own checkpoint finds almost nothing left to copy and only restarts the log. A checkpoint reads and writes the pages
/// and flushes the database file, which slows the commits beside it, so it runs when the writer is quiet, or under
/// load once the log holds <see cref="CheckpointPolicy.PressureFrames"/> (see <see cref="CheckpointPolicy"/>).
/// </summary>
internal sealed class SqliteWalCheckpointer : IDisposable
{
    private readonly string connectionString;
    private readonly Func<bool> schemaExists;
    private readonly WalBacklog backlog;
    private readonly CheckpointPolicy policy;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread thread;

    /// <summary>Starts checkpointing the database at <paramref name="connectionString"/>, once its schema exists, as <paramref name="policy"/> says.</summary>
    public SqliteWalCheckpointer(string connectionString, Func<bool> schemaExists, WalBacklog backlog, CheckpointPolicy policy, TimeProvider time, ILogger logger)
    {
        this.connectionString = connectionString;
        this.schemaExists = schemaExists;
        this.backlog = backlog;
        this.policy = policy;
        this.time = time;
        this.logger = logger;
        thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpoint" };
        thread.Start();
    }

    /// <summary>Stops the thread, waiting for a checkpoint in progress, and closes its connection.</summary>
    public void Dispose()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        stopping.Cancel();
        thread.Join();
        stopping.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        var lastCheckpoint = time.GetTimestamp();
        try
        {
            while (WaitForWork())
            {
                var frames = backlog.Frames;
                if (!schemaExists() || !policy.IsDue(frames, backlog.SinceLastCommit, time.GetElapsedTime(lastCheckpoint)))
                {
                    continue;
                }
                lastCheckpoint = time.GetTimestamp();
                backlog.Checkpointed(frames);
                try
                {
                    connection ??= Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                }
                catch (SqliteException ex)
                {
                    // The writer's own checkpoints still keep the log bounded; try again on a new connection.
                    logger.LogWarning(ex, "A background WAL checkpoint of the SQLite database failed.");
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Waits for the writer's first pages after a checkpoint, then polls; false once stopping.</summary>
    private bool WaitForWork()
    {
        try
        {
            if (backlog.Frames == 0)
            {
                backlog.WaitForFrames(stopping.Token);
            }
            return !stopping.Token.WaitHandle.WaitOne(policy.PollInterval);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
