using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Copies committed pages from the write-ahead log into the database file on a thread of its own, a few times a second,
/// with PASSIVE checkpoints that never block the writer. Without it the writer does all of that copying itself when the
/// log reaches <c>wal_autocheckpoint</c> pages, stalling every commit queued behind it for a hundred milliseconds or
/// more; now its own checkpoint finds almost nothing left to copy and only restarts the log.
/// </summary>
internal sealed class SqliteWalCheckpointer : IDisposable
{
    private readonly string connectionString;
    private readonly Func<bool> schemaExists;
    private readonly TimeSpan interval;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread thread;

    /// <summary>Starts checkpointing the database at <paramref name="connectionString"/> every <paramref name="interval"/> once its schema exists.</summary>
    public SqliteWalCheckpointer(string connectionString, Func<bool> schemaExists, TimeSpan interval, ILogger logger)
    {
        this.connectionString = connectionString;
        this.schemaExists = schemaExists;
        this.interval = interval;
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
        try
        {
            while (!stopping.Token.WaitHandle.WaitOne(interval))
            {
                if (!schemaExists())
                {
                    continue;
                }
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

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
