using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Applies batches on the database's single write connection, one IMMEDIATE transaction per batch.
/// After a failed batch the connection is closed and reopened for the next one.
/// </summary>
internal sealed class SqliteBatchWriter(string connectionString, SchemaInitializer schema) : IBatchWriter
{
    private SqliteConnection? connection;
    private SqliteWriteStatements? statements;

    /// <inheritdoc />
    public async Task CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var prepared = statements ?? Open();
            using var transaction = connection!.BeginTransaction(deferred: false);
            foreach (var write in batch)
            {
                prepared.Apply(write);
            }
            transaction.Commit();
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

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
