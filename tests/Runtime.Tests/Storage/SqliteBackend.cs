using MachineGrid.Runtime.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>A SQLite file in a temporary folder.</summary>
internal sealed class SqliteBackend : StorageBackend
{
    private readonly TemporaryDirectory directory = new();
    private readonly ManualResetEventSlim flushes = new(initialState: true);

    /// <summary>Full path of the database file (in a folder the provider creates).</summary>
    public string DatabasePath => directory.File("nested/grains.db");

    /// <inheritdoc />
    public override Task<StorageUnderTest> OpenAsync()
    {
        var database = new SqliteDatabase(DatabasePath, flushJournal: file =>
        {
            flushes.Wait();
            file.Flush(flushToDisk: true);
        });
        return Task.FromResult(new StorageUnderTest(new SqliteGrainStorage(database), new SqliteReminderTable(database), new SqliteIndexStore(database), database));
    }

    /// <summary>
    /// Holds the journal's flushes: writes are accepted but none is acknowledged until the handle is disposed, so the
    /// writes queued meanwhile are acknowledged together.
    /// </summary>
    public override Task<IAsyncDisposable> HoldWritesAsync()
    {
        flushes.Reset();
        return Task.FromResult<IAsyncDisposable>(new FlushHold(flushes));
    }

    /// <summary>
    /// False: a write is accepted into the journal, which knows no constraint beyond the storage contract; a row
    /// SQLite rejected would fail only its later apply (see the journal tests).
    /// </summary>
    public override Task<bool> RejectIndexKeyAsync(string key) => Task.FromResult(false);

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
        flushes.Set();
        directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class FlushHold(ManualResetEventSlim flushes) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            flushes.Set();
            return ValueTask.CompletedTask;
        }
    }
}
