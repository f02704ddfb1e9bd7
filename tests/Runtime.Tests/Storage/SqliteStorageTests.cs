using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against a SQLite file in a temporary folder.</summary>
public sealed class SqliteStorageTests : StorageConformanceTests
{
    private readonly SqliteBackend backend = new();

    /// <summary>Hands the journal's changes to SQLite within milliseconds, so the checkpoint tests see SQLite's log at once.</summary>
    private static readonly JournalPolicy PromptApply = new(TimeSpan.FromMilliseconds(10), 100_000);

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
    public async Task Committed_pages_reach_the_database_file_in_the_background_once_the_writer_is_quiet_while_the_log_is_far_below_its_checkpoint_size()
    {
        await using var database = new SqliteDatabase(backend.DatabasePath, journalPolicy: PromptApply);
        await WriteStatePagesAsync(database, 256);

        // 256 pages of state sit in the log, 64 times fewer than the writer's own checkpoint threshold (16,384 pages)
        // and 32 times fewer than the default pressure bound: only the writer's quiet starts this checkpoint.
        await Eventually.True(() => new FileInfo(backend.DatabasePath).Length >= 256 * 4096, "the background checkpointer copied the log into the database file");
        Assert.Equal(new byte[4096], (await new SqliteGrainStorage(database).ReadAsync(new GrainId("machine", "m255"), "state"))!.Data);
    }

    [Fact]
    public async Task Without_a_quiet_period_the_log_is_copied_once_it_holds_the_pressure_bound()
    {
        // The writer is never quiet for an hour, so only the pressure bound (64 pages) can start a checkpoint.
        await using var database = new SqliteDatabase(backend.DatabasePath, checkpoints: new CheckpointPolicy(TimeSpan.FromHours(1), TimeSpan.Zero, 64), journalPolicy: PromptApply);
        await WriteStatePagesAsync(database, 256);

        await Eventually.True(() => new FileInfo(backend.DatabasePath).Length >= 256 * 4096, "a checkpoint under pressure copied the log into the database file");
    }

    [Fact]
    public async Task Without_a_quiet_period_a_log_below_the_pressure_bound_is_not_copied()
    {
        await using var database = new SqliteDatabase(backend.DatabasePath, checkpoints: new CheckpointPolicy(TimeSpan.FromHours(1), TimeSpan.Zero, 1_000_000), journalPolicy: PromptApply);
        await WriteStatePagesAsync(database, 256);

        // The old fixed schedule copied the log every 200 ms; five of those pass here.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(new FileInfo(backend.DatabasePath).Length < 64 * 4096, "the 256 pages written stayed in the log");
        Assert.Equal(new byte[4096], (await new SqliteGrainStorage(database).ReadAsync(new GrainId("machine", "m255"), "state"))!.Data);
    }

    [Theory]
    [InlineData(0, 1_000, 1_000, false)]
    [InlineData(8_192, 0, 0, true)]
    [InlineData(8_191, 0, 1_000, false)]
    [InlineData(1, 25, 200, true)]
    [InlineData(1, 24, 1_000, false)]
    [InlineData(1, 1_000, 199, false)]
    public void A_checkpoint_is_due_under_pressure_or_after_a_quiet_period_spaced_from_the_last(long frames, int quietMs, int sinceCheckpointMs, bool due) =>
        Assert.Equal(due, CheckpointPolicy.Default.IsDue(frames, TimeSpan.FromMilliseconds(quietMs), TimeSpan.FromMilliseconds(sinceCheckpointMs)));

    [Fact]
    public async Task A_write_is_acknowledged_only_once_the_journal_is_flushed_to_disk()
    {
        using var flushAllowed = new ManualResetEventSlim();
        var flushes = 0;
        await using var database = new SqliteDatabase(backend.DatabasePath, flushJournal: log =>
        {
            flushAllowed.Wait();
            log.Flush(flushToDisk: true);
            Interlocked.Increment(ref flushes);
        });
        var storage = new SqliteGrainStorage(database);

        var write = storage.WriteAsync(new GrainId("machine", "m"), "state", [7], null);
        await Eventually.True(async () => (await storage.ReadAsync(new GrainId("machine", "m"), "state"))?.Data is [7], "the write was accepted");
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
        await using var database = new SqliteDatabase(backend.DatabasePath, flushJournal: log =>
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

    private static async Task WriteStatePagesAsync(SqliteDatabase database, int pages)
    {
        var storage = new SqliteGrainStorage(database);
        var payload = new byte[4096];
        await Task.WhenAll(Enumerable.Range(0, pages).Select(i => storage.WriteAsync(new GrainId("machine", $"m{i}"), "state", payload, null)));
    }
}
