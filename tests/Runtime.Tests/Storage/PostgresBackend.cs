using MachineGrid.Runtime.Persistence.Postgres;
using MachineGrid.TestSupport;
using Npgsql;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>A fresh database on the shared throwaway PostgreSQL server.</summary>
internal sealed class PostgresBackend(PostgresServer server) : StorageBackend
{
    /// <summary>Connection string of the database; set by <see cref="PrepareAsync"/>.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <inheritdoc />
    public override async Task PrepareAsync() => ConnectionString = await server.CreateDatabaseAsync();

    /// <inheritdoc />
    public override Task<StorageUnderTest> OpenAsync()
    {
        var database = new PostgresDatabase(ConnectionString);
        return Task.FromResult(new StorageUnderTest(new PostgresGrainStorage(database), new PostgresReminderTable(database), new PostgresIndexStore(database), database));
    }

    /// <summary>Locks every table from another connection; the committer's statements wait on the lock.</summary>
    public override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        await EnsureSchemaAsync();
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE grain_state, reminders, index_rows IN EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }
        return new TableLock(connection, transaction);
    }

    /// <summary>Adds a check constraint that the key violates.</summary>
    public override async Task<bool> RejectIndexKeyAsync(string key)
    {
        await EnsureSchemaAsync();
        await ExecuteAsync($"ALTER TABLE index_rows ADD CONSTRAINT reject_{Guid.NewGuid():N} CHECK (key <> '{key.Replace("'", "''", StringComparison.Ordinal)}')");
        return true;
    }

    /// <summary>Runs one statement on a connection of its own.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Creates the tables, as the provider does on first use.</summary>
    public async Task EnsureSchemaAsync()
    {
        await using var database = new PostgresDatabase(ConnectionString);
        await new PostgresIndexStore(database).CountAsync("schema", "");
    }

    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
