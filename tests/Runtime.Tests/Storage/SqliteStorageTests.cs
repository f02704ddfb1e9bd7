using MachineGrid.Runtime.Persistence.Sqlite;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against a SQLite file in a temporary folder.</summary>
public sealed class SqliteStorageTests : StorageConformanceTests
{
    private readonly SqliteBackend backend = new();

    internal override StorageBackend Backend => backend;

    [Fact]
    public async Task The_database_uses_wal()
    {
        await using (var database = new SqliteDatabase(backend.DatabasePath))
        {
            await new SqliteGrainStorage(database).WriteAsync(new GrainId("machine", "m"), "state", [1], null);
        }
        await using var connection = await backend.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Committed_pages_reach_the_database_file_in_the_background_while_the_log_is_far_below_its_checkpoint_size()
    {
        await using var database = new SqliteDatabase(backend.DatabasePath);
        var storage = new SqliteGrainStorage(database);
        var payload = new byte[4096];
        await Task.WhenAll(Enumerable.Range(0, 256).Select(i => storage.WriteAsync(new GrainId("machine", $"m{i}"), "state", payload, null)));

        // 256 pages of state sit in the log, 64 times fewer than the writer's own checkpoint threshold (16,384 pages).
        await Eventually.True(() => new FileInfo(backend.DatabasePath).Length >= 256 * 4096, "the background checkpointer copied the log into the database file");
        Assert.Equal(payload, (await storage.ReadAsync(new GrainId("machine", "m255"), "state"))!.Data);
    }

    [Fact]
    public async Task A_write_is_acknowledged_only_once_the_log_is_flushed_to_disk()
    {
        using var flushAllowed = new ManualResetEventSlim();
        var flushes = 0;
        await using var database = new SqliteDatabase(backend.DatabasePath, flushLog: log =>
        {
            flushAllowed.Wait();
            log.Flush(flushToDisk: true);
            Interlocked.Increment(ref flushes);
        });
        var storage = new SqliteGrainStorage(database);

        var write = storage.WriteAsync(new GrainId("machine", "m"), "state", [7], null);
        await Eventually.True(async () => (await storage.ReadAsync(new GrainId("machine", "m"), "state"))?.Data is [7], "the transaction committed");
        await Task.Delay(100);
        Assert.False(write.IsCompleted);
        flushAllowed.Set();

        Assert.Equal("1", await write);
        Assert.True(Volatile.Read(ref flushes) >= 1);
    }

    [Fact]
    public async Task A_failed_flush_fails_its_writes_and_every_later_one_and_keeps_what_was_flushed()
    {
        var failing = false;
        await using var database = new SqliteDatabase(backend.DatabasePath, flushLog: log =>
        {
            if (Volatile.Read(ref failing))
            {
                throw new IOException("disk gone");
            }
            log.Flush(flushToDisk: true);
        });
        var storage = new SqliteGrainStorage(database);
        await storage.WriteAsync(new GrainId("machine", "kept"), "state", [1], null);
        Volatile.Write(ref failing, true);

        var unflushed = await Assert.ThrowsAsync<IOException>(() => storage.WriteAsync(new GrainId("machine", "lost"), "state", [2], null));
        var later = await Assert.ThrowsAsync<IOException>(() => storage.WriteAsync(new GrainId("machine", "later"), "state", [3], null));

        Assert.IsType<IOException>(unflushed.InnerException);
        Assert.Same(unflushed, later);
        Assert.Equal([1], (await storage.ReadAsync(new GrainId("machine", "kept"), "state"))!.Data);
        Assert.Null(await storage.ReadAsync(new GrainId("machine", "later"), "state"));
    }
}
