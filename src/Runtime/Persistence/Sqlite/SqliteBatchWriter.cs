using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Applies batches on the database's single write connection, one IMMEDIATE transaction per batch, and hands each
/// committed batch to the <see cref="SqliteLogFlusher"/>, which makes it durable while the next batch is applied.
/// After a failed batch the connection is closed and reopened for the next one.
/// </summary>
internal sealed class SqliteBatchWriter(string connectionString, string databasePath, SchemaInitializer schema, WalBacklog backlog, Action<FileStream>? flush = null) : IBatchWriter
{
    private readonly SqliteLogFlusher flusher = new(databasePath, flush);
    private SqliteConnection? connection;
    private SqliteWriteStatements? statements;
    private int generation;

    /// <inheritdoc />
    public async Task<Task> CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (flusher.Failure is { } failure)
        {
            throw failure;
        }
        try
        {
            var prepared = statements ?? Open();
            using var transaction = connection!.BeginTransaction(deferred: false);
            foreach (var write in batch)
            {
                prepared.Apply(write);
            }
            transaction.Commit();
            backlog.Committed(TakeFramesWritten(connection));
        }
        catch
        {
            Close();
            throw;
        }
        return flusher.FlushAsync(generation);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        flusher.Dispose();
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>The pages this connection wrote to the log since the last call.</summary>
    private static long TakeFramesWritten(SqliteConnection connection) =>
        raw.sqlite3_db_status(connection.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1) == raw.SQLITE_OK ? written : 0;

    private SqliteWriteStatements Open()
    {
        connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = SqliteSchema.WriterPragmas;
            pragmas.ExecuteNonQuery();
        }
        statements = new SqliteWriteStatements(connection);
        generation++;
        return statements;
    }

    private void Close()
    {
        statements?.Dispose();
        statements = null;
        connection?.Dispose();
        connection = null;
    }
}
