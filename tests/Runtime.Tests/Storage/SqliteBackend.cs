using MachineGrid.Runtime.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>A SQLite file in a temporary folder.</summary>
internal sealed class SqliteBackend : StorageBackend
{
    private readonly TemporaryDirectory directory = new();

    /// <summary>Full path of the database file (in a folder the provider creates).</summary>
    public string DatabasePath => directory.File("nested/grains.db");

    /// <inheritdoc />
    public override Task<StorageUnderTest> OpenAsync()
    {
        var database = new SqliteDatabase(DatabasePath);
        return Task.FromResult(new StorageUnderTest(new SqliteGrainStorage(database), new SqliteReminderTable(database), new SqliteIndexStore(database), database));
    }

    /// <summary>Takes the database write lock from another connection; the committer waits on it (busy_timeout).</summary>
    public override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        var connection = await OpenConnectionAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        return new WriteLock(connection, transaction);
    }

    /// <summary>Adds a trigger that aborts the insert of the key.</summary>
    public override async Task<bool> RejectIndexKeyAsync(string key)
    {
        await EnsureSchemaAsync();
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TRIGGER reject_{Guid.NewGuid():N} BEFORE INSERT ON index_rows WHEN NEW.key = '{key.Replace("'", "''", StringComparison.Ordinal)}'
            BEGIN SELECT RAISE(ABORT, 'rejected by the test'); END
            """;
        await command.ExecuteNonQueryAsync();
        return true;
    }

    /// <summary>A connection of its own to the database file.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Creates the tables, as the provider does on first use.</summary>
    public async Task EnsureSchemaAsync()
    {
        await using var database = new SqliteDatabase(DatabasePath);
        await new SqliteIndexStore(database).CountAsync("schema", "");
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class WriteLock(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
