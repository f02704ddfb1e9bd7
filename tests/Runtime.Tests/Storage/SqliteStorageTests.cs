using MachineGrid.Runtime.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against a SQLite file in a temporary folder.</summary>
public sealed class SqliteStorageTests : StorageConformanceTests
{
    private readonly TemporaryDirectory directory = new();

    private string DatabasePath => directory.File("nested/grains.db");

    internal override Task<StorageUnderTest> OpenAsync()
    {
        var database = new SqliteDatabase(DatabasePath);
        return Task.FromResult(new StorageUnderTest(new SqliteGrainStorage(database), new SqliteReminderTable(database), database));
    }

    protected override Task CleanupAsync()
    {
        directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Takes the database write lock from another connection; the committer waits on it (busy_timeout).</summary>
    protected override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        return new WriteLock(connection, transaction);
    }

    [Fact]
    public async Task The_database_uses_wal_and_full_synchronous_commits()
    {
        await using (var database = new SqliteDatabase(DatabasePath))
        {
            await new SqliteGrainStorage(database).WriteAsync(new GrainId("machine", "m"), "state", [1], null);
        }
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
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
