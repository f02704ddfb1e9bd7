using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.InMemory;
using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using Microsoft.Data.Sqlite;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The SQLite store's write-behind journal: durability before SQLite has a write, replay, what reaches SQLite, and reads over both.</summary>
public sealed class SqliteJournalTests : IDisposable
{
    /// <summary>Never applies on its own within a test: only a clean shutdown or a replay writes SQLite.</summary>
    private static readonly JournalPolicy NeverApply = new(TimeSpan.FromHours(1), int.MaxValue / 8);

    private static readonly GrainId Grain = new("machine", "m-1");
    private readonly TemporaryDirectory directory = new();

    private string DatabasePath => directory.File("journal.db");

    [Fact]
    public async Task Acknowledged_writes_that_never_reached_sqlite_are_replayed_after_a_crash()
    {
        var crashed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var etag = await new SqliteGrainStorage(crashed).WriteAsync(Grain, "state", [1, 2, 3], null);
        await new SqliteGrainStorage(crashed).WriteAsync(Grain, "state", [4], etag);
        await new SqliteIndexStore(crashed).ApplyAsync([IndexChange.Put("runs", "r-1", [9]), IndexChange.Put("runs", "r-2", [8])]);
        await new SqliteIndexStore(crashed).ApplyAsync([IndexChange.Delete("runs", "r-2")]);
        var reminder = await new SqliteReminderTable(crashed).UpsertAsync(Grain, "timeout", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1));
        crashed.Abandon();
        Assert.Equal(0, await CountRowsAsync("grain_state"));
        var written = Assert.Single(JournalFiles());

        await using var reopened = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var state = await new SqliteGrainStorage(reopened).ReadAsync(Grain, "state");

        Assert.Equal([4], state!.Data);
        Assert.Equal("2", state.ETag);
        Assert.Equal(["r-1"], (await new SqliteIndexStore(reopened).ScanAsync("runs", "", null, 10)).Select(row => row.Key));
        Assert.Equal(reminder, Assert.Single(await new SqliteReminderTable(reopened).ReadAllAsync()));
        // The replay wrote SQLite and removed the file it read; the reopened journal appends to a new one.
        Assert.Equal(1, await CountRowsAsync("grain_state"));
        Assert.Equal(1, await CountRowsAsync("index_rows"));
        Assert.DoesNotContain(written, JournalFiles());
        Assert.Equal("3", await new SqliteGrainStorage(reopened).WriteAsync(Grain, "state", [5], "2"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => new SqliteGrainStorage(reopened).WriteAsync(Grain, "state", [6], "2"));
        await DisposeAsync(crashed);
    }

    [Fact]
    public async Task A_journal_file_sqlite_already_holds_is_not_replayed_when_its_deletion_was_lost_and_later_files_still_are()
    {
        var crashed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        await new SqliteGrainStorage(crashed).WriteAsync(Grain, "state", [1], null);
        crashed.Abandon();
        var first = Assert.Single(JournalFiles());
        var firstBytes = await File.ReadAllBytesAsync(first);
        await using (var replayed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply))
        {
            await new SqliteGrainStorage(replayed).WriteAsync(Grain, "state", [2], "1");
        }
        // A power loss undid the deletion of the first file, which SQLite already holds.
        await File.WriteAllBytesAsync(first, firstBytes);

        var again = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var afterReplay = await new SqliteGrainStorage(again).ReadAsync(Grain, "state");
        await new SqliteGrainStorage(again).WriteAsync(Grain, "state", [3], "2");
        again.Abandon();
        await using var last = new SqliteDatabase(DatabasePath);
        var read = await new SqliteGrainStorage(last).ReadAsync(Grain, "state");

        Assert.Equal([2], afterReplay!.Data);
        // The file written after it has a higher number than any applied one, so it was replayed.
        Assert.Equal([3], read!.Data);
        Assert.Equal("3", read.ETag);
        await DisposeAsync(crashed);
        await DisposeAsync(again);
    }

    [Fact]
    public async Task A_row_put_and_deleted_before_an_apply_never_reaches_sqlite()
    {
        await CreateInsertLogAsync();
        await using (var database = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply))
        {
            var index = new SqliteIndexStore(database);
            await index.ApplyAsync([IndexChange.Put("groups", "g-1/queued/r-1", [1])]);
            await index.ApplyAsync([IndexChange.Put("groups", "g-1/queued/r-1", [2]), IndexChange.Put("groups", "g-1/queued/r-2", [1])]);
            await index.ApplyAsync([IndexChange.Delete("groups", "g-1/queued/r-1")]);
        }

        // Closing applied the journal: one insert, of the row that outlived it.
        Assert.Equal(["g-1/queued/r-2"], await InsertedKeysAsync());
        Assert.Empty(JournalFiles());
    }

    [Fact]
    public async Task Changes_are_applied_in_the_background_once_old_enough_and_the_journal_file_that_held_them_becomes_the_spare()
    {
        await using var database = new SqliteDatabase(DatabasePath, journalPolicy: new JournalPolicy(TimeSpan.FromMilliseconds(50), 100_000));
        await new SqliteGrainStorage(database).WriteAsync(Grain, "state", [1], null);
        var first = Assert.Single(JournalFiles());

        // No further write arrives: the applier asks the idle writer to hand the changes over.
        await Eventually.True(async () => await CountRowsAsync("grain_state") == 1, "the state reached SQLite");
        await Eventually.True(() => database.Unapplied.Frozen is null && database.Unapplied.Active.Count == 0, "the applied changes were dropped");
        // Only the journal file now being appended to is left, and the applied one waits to be the next.
        await Eventually.True(() => JournalFiles().Count == 1 && File.Exists(SpareFile), "the applied journal file became the spare");
        Assert.DoesNotContain(first, JournalFiles());
        Assert.Equal([1], (await new SqliteGrainStorage(database).ReadAsync(Grain, "state"))!.Data);
    }

    [Fact]
    public async Task A_journal_file_made_from_the_spare_replays_only_its_own_records_after_a_crash()
    {
        var crashed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var storage = new SqliteGrainStorage(crashed);
        // Each write is one record of the same size, so the records of the file's earlier use start where a later record ends.
        var etag = await storage.WriteAsync(Grain, "state", [1], null);
        etag = await storage.WriteAsync(Grain, "state", [2], etag);
        etag = await storage.WriteAsync(Grain, "state", [3], etag);
        var firstLength = new FileInfo(Assert.Single(JournalFiles())).Length;
        await ApplyAsync(crashed);
        etag = await storage.WriteAsync(Grain, "state", [4], etag);
        // This apply starts the third file from the spare, the first file, which still holds the records of states 1 to 3.
        await ApplyAsync(crashed);
        await storage.WriteAsync(Grain, "state", [5], etag);
        crashed.Abandon();
        var third = Assert.Single(JournalFiles());
        Assert.EndsWith("3", third, StringComparison.Ordinal);
        Assert.Equal(firstLength, new FileInfo(third).Length);

        await using var reopened = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var read = await new SqliteGrainStorage(reopened).ReadAsync(Grain, "state");

        Assert.Equal([5], read!.Data);
        Assert.Equal("5", read.ETag);
    }

    [Fact]
    public async Task A_clean_close_removes_the_spare_and_a_spare_left_by_a_crash_is_never_replayed()
    {
        var crashed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var etag = await new SqliteGrainStorage(crashed).WriteAsync(Grain, "state", [1], null);
        await ApplyAsync(crashed);
        await new SqliteGrainStorage(crashed).WriteAsync(Grain, "state", [2], etag);
        await ApplyAsync(crashed);
        crashed.Abandon();
        Assert.True(File.Exists(SpareFile));

        var reopened = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var read = await new SqliteGrainStorage(reopened).ReadAsync(Grain, "state");
        await reopened.DisposeAsync();

        Assert.Equal([2], read!.Data);
        Assert.False(File.Exists(SpareFile));
        Assert.Empty(JournalFiles());
        await DisposeAsync(crashed);
    }

    [Fact]
    public async Task Changes_are_applied_once_they_reach_the_size_bound_whatever_their_age()
    {
        await using var database = new SqliteDatabase(DatabasePath, journalPolicy: new JournalPolicy(TimeSpan.FromHours(1), 10));
        var storage = new SqliteGrainStorage(database);
        for (var i = 0; i < 11; i++)
        {
            await storage.WriteAsync(new GrainId("machine", $"m-{i}"), "state", [(byte)i], null);
        }
        // The eleventh write's batch found ten changes held and handed them over.
        await Eventually.True(async () => await CountRowsAsync("grain_state") == 10, "the first ten writes reached SQLite");
    }

    [Fact]
    public async Task A_record_torn_by_a_crash_ends_the_replay_and_the_records_before_it_are_kept()
    {
        var crashed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var storage = new SqliteGrainStorage(crashed);
        await storage.WriteAsync(new GrainId("machine", "kept"), "state", [1], null);
        await storage.WriteAsync(new GrainId("machine", "torn"), "state", [2], null);
        crashed.Abandon();
        var file = Assert.Single(JournalFiles());
        var bytes = await File.ReadAllBytesAsync(file);
        // The last byte of the second record never reached the disk.
        await File.WriteAllBytesAsync(file, bytes[..^1]);

        await using var reopened = new SqliteDatabase(DatabasePath);
        var read = new SqliteGrainStorage(reopened);

        Assert.Equal([1], (await read.ReadAsync(new GrainId("machine", "kept"), "state"))!.Data);
        Assert.Null(await read.ReadAsync(new GrainId("machine", "torn"), "state"));
        await DisposeAsync(crashed);
    }

    [Fact]
    public async Task A_record_whose_bytes_changed_on_disk_fails_its_checksum_and_ends_the_replay()
    {
        var crashed = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var storage = new SqliteGrainStorage(crashed);
        await storage.WriteAsync(new GrainId("machine", "kept"), "state", [1], null);
        await storage.WriteAsync(new GrainId("machine", "damaged"), "state", [2, 2, 2, 2], null);
        await storage.WriteAsync(new GrainId("machine", "after"), "state", [3], null);
        crashed.Abandon();
        var file = Assert.Single(JournalFiles());
        var bytes = await File.ReadAllBytesAsync(file);
        var damaged = IndexOf(bytes, [4, 0, 0, 0, 2, 2, 2, 2]);
        bytes[damaged + 5] = 7;
        await File.WriteAllBytesAsync(file, bytes);

        await using var reopened = new SqliteDatabase(DatabasePath);
        var read = new SqliteGrainStorage(reopened);

        Assert.Equal([1], (await read.ReadAsync(new GrainId("machine", "kept"), "state"))!.Data);
        Assert.Null(await read.ReadAsync(new GrainId("machine", "damaged"), "state"));
        Assert.Null(await read.ReadAsync(new GrainId("machine", "after"), "state"));
        await DisposeAsync(crashed);
    }

    [Fact]
    public async Task A_second_silo_cannot_open_a_database_in_use_and_can_once_the_first_is_gone()
    {
        var first = new SqliteDatabase(DatabasePath);
        await new SqliteGrainStorage(first).WriteAsync(Grain, "state", [1], null);
        await using var second = new SqliteDatabase(DatabasePath);

        var refused = await Assert.ThrowsAsync<IOException>(() => new SqliteGrainStorage(second).ReadAsync(Grain, "state"));
        await DisposeAsync(first);

        Assert.Contains("in use by another silo", refused.Message, StringComparison.Ordinal);
        Assert.Equal([1], (await new SqliteGrainStorage(second).ReadAsync(Grain, "state"))!.Data);
    }

    [Fact]
    public async Task An_apply_sqlite_rejects_is_tried_again_and_its_writes_stay_readable_and_acknowledged_meanwhile()
    {
        await using (var setup = new SqliteDatabase(DatabasePath))
        {
            await new SqliteIndexStore(setup).CountAsync("runs", "");
        }
        await ExecuteAsync("CREATE TRIGGER reject_bad BEFORE INSERT ON index_rows WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'rejected by the test'); END");
        await using var database = new SqliteDatabase(DatabasePath, journalPolicy: new JournalPolicy(TimeSpan.FromMilliseconds(20), 100_000));
        var index = new SqliteIndexStore(database);

        await index.ApplyAsync([IndexChange.Put("runs", "good", [1]), IndexChange.Put("runs", "bad", [2])]);
        await Eventually.True(() => database.Unapplied.Frozen is not null, "the changes were handed to the applier");
        await Task.Delay(200);

        Assert.Equal(0, await CountRowsAsync("index_rows"));
        Assert.Equal(["bad", "good"], (await index.ScanAsync("runs", "", null, 10)).Select(row => row.Key));
        Assert.Equal(2, await index.CountAsync("runs", ""));
        await ExecuteAsync("DROP TRIGGER reject_bad");
        await Eventually.True(async () => await CountRowsAsync("index_rows") == 2, "the apply succeeded once SQLite accepted the rows");
        Assert.Equal(["bad", "good"], (await index.ScanAsync("runs", "", null, 10)).Select(row => row.Key));
    }

    [Fact]
    public async Task A_count_over_unapplied_rows_reads_without_taking_the_write_lock()
    {
        await using var database = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var index = new SqliteIndexStore(database);
        await index.ApplyAsync([IndexChange.Put("runs", "r-1", [1]), IndexChange.Put("runs", "r-2", [2])]);
        await using var writer = await OpenAsync();
        // Another connection holds the write lock, as the applier does while it applies.
        using var held = writer.BeginTransaction(deferred: false);

        Assert.Equal(2, await index.CountAsync("runs", ""));
        Assert.Equal(1, await index.CountAsync("runs", "r-2"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Scans_and_counts_over_unapplied_and_stored_rows_match_the_in_memory_store_while_applies_run(int seed)
    {
        var random = new Random(seed);
        var expected = new InMemoryIndexStore();
        await using var database = new SqliteDatabase(DatabasePath, journalPolicy: new JournalPolicy(TimeSpan.FromMilliseconds(2), 100_000));
        var index = new SqliteIndexStore(database);
        string Key() => $"{"abc"[random.Next(3)]}/{random.Next(40):D2}";

        for (var step = 0; step < 300; step++)
        {
            var changes = Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => random.Next(3) == 0 ? IndexChange.Delete("runs", Key()) : IndexChange.Put("runs", Key(), [(byte)step]))
                .ToArray();
            await index.ApplyAsync(changes);
            await expected.ApplyAsync(changes);
            var prefix = new[] { "", "a/", "b/", "c/", "a/1" }[random.Next(5)];
            var after = random.Next(2) == 0 ? null : Key();
            var descending = random.Next(2) == 0;
            var limit = random.Next(1, 30);

            var scanned = await index.ScanAsync("runs", prefix, after, limit, descending);
            var model = await expected.ScanAsync("runs", prefix, after, limit, descending);

            Assert.Equal(model.Select(row => (row.Key, row.Value[0])), scanned.Select(row => (row.Key, row.Value[0])));
            Assert.Equal(await expected.CountAsync("runs", prefix), await index.CountAsync("runs", prefix));
        }
    }

    [Fact]
    public async Task Reminder_reads_lay_unapplied_upserts_and_removals_over_stored_reminders()
    {
        await using (var setup = new SqliteDatabase(DatabasePath))
        {
            var table = new SqliteReminderTable(setup);
            await table.UpsertAsync(Grain, "stored-kept", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
            await table.UpsertAsync(Grain, "stored-removed", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
            await table.UpsertAsync(Grain, "stored-changed", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        }
        await using var database = new SqliteDatabase(DatabasePath, journalPolicy: NeverApply);
        var reminders = new SqliteReminderTable(database);
        var other = new GrainId("machine", "m-0");

        var changed = await reminders.UpsertAsync(Grain, "stored-changed", DateTimeOffset.UnixEpoch.AddDays(1), TimeSpan.FromHours(1));
        Assert.True(await reminders.RemoveAsync(Grain, "stored-removed", "1"));
        Assert.False(await reminders.RemoveAsync(Grain, "stored-removed", null));
        await reminders.UpsertAsync(other, "new", DateTimeOffset.UnixEpoch, TimeSpan.Zero);

        Assert.Equal("2", changed.ETag);
        Assert.Equal(["stored-changed", "stored-kept"], (await reminders.ReadGrainAsync(Grain)).Select(r => r.Name));
        Assert.Equal(changed, (await reminders.ReadGrainAsync(Grain))[0]);
        Assert.Equal([(other, "new"), (Grain, "stored-changed"), (Grain, "stored-kept")], (await reminders.ReadAllAsync()).Select(r => (r.GrainId, r.Name)));
        Assert.Equal(3, await CountRowsAsync("reminders"));
    }

    public void Dispose() => directory.Dispose();

    private static async Task DisposeAsync(SqliteDatabase database) => await database.DisposeAsync();

    private IReadOnlyList<string> JournalFiles() =>
        [.. Directory.EnumerateFiles(directory.Path, "journal.db-journal-*").Where(path => path != SpareFile).Order(StringComparer.Ordinal)];

    private string SpareFile => directory.File("journal.db-journal-spare");

    /// <summary>Has the writer hand the journal's changes to SQLite now, and waits until SQLite holds them and their file is the spare.</summary>
    private async Task ApplyAsync(SqliteDatabase database)
    {
        var applied = Assert.Single(JournalFiles());
        database.Enqueue(new PendingApplyRequest());
        await Eventually.True(
            () => database.Unapplied.Frozen is null && database.Unapplied.Active.Count == 0 && !File.Exists(applied) && File.Exists(SpareFile),
            "the changes were applied and their journal file became the spare");
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private async Task<long> CountRowsAsync(string table)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Creates the schema and a trigger that logs every key inserted into the index table.</summary>
    private async Task CreateInsertLogAsync()
    {
        await using (var setup = new SqliteDatabase(DatabasePath))
        {
            await new SqliteIndexStore(setup).CountAsync("runs", "");
        }
        await ExecuteAsync("""
            CREATE TABLE inserted (key TEXT NOT NULL);
            CREATE TRIGGER log_insert AFTER INSERT ON index_rows BEGIN INSERT INTO inserted (key) VALUES (NEW.key); END;
            """);
    }

    private async Task<List<string>> InsertedKeysAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM inserted ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    private static int IndexOf(byte[] bytes, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= bytes.Length; i++)
        {
            if (bytes.AsSpan(i, pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }
        throw new Xunit.Sdk.XunitException("The pattern is not in the journal.");
    }
}
