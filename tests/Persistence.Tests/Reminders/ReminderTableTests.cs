using MachineGrid.Persistence.Diagnostics;
using MachineGrid.Persistence.Reminders;
using Npgsql;
using Orleans;

namespace MachineGrid.Persistence.Tests.Reminders;

[Collection(RemindersPostgresCollection.Name)]
public sealed class ReminderTableTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task An_upserted_reminder_reads_back_with_its_etag_after_the_database_is_reopened(Database database)
    {
        var options = await TestStores.NewOptionsAsync(database, postgres);
        var grain = ReminderRows.NewGrain();
        var startAt = new DateTime(2031, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_567);
        string? etag;
        await using (var store = TestStores.Open(options))
        {
            var table = new SqlReminderTable(store);
            await table.StartAsync();
            Assert.Null(await table.ReadRow(grain, "tick"));
            etag = await table.UpsertRow(ReminderRows.Entry(grain, "tick", startAt, TimeSpan.FromMilliseconds(1500)));
            Assert.False(string.IsNullOrEmpty(etag));
        }

        await using (var store = TestStores.Open(options))
        {
            var table = new SqlReminderTable(store);
            var read = await table.ReadRow(grain, "tick");
            Assert.NotNull(read);
            Assert.Equal(grain, read.GrainId);
            Assert.Equal("tick", read.ReminderName);
            Assert.Equal(etag, read.ETag);
            Assert.Equal(TimeSpan.FromMilliseconds(1500), read.Period);
            Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
            Assert.Equal(startAt.AddTicks(-(startAt.Ticks % 10)), read.StartAt);
            Assert.Null(await table.ReadRow(grain, "tock"));
            Assert.Null(await table.ReadRow(ReminderRows.NewGrain(), "tick"));
        }
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Start_times_of_any_kind_are_stored_in_utc_and_periods_in_whole_milliseconds(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        var grain = ReminderRows.NewGrain();
        var utc = new DateTime(2029, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc);

        await table.UpsertRow(ReminderRows.Entry(grain, "local", utc.ToLocalTime(), TimeSpan.FromTicks(1)));
        await table.UpsertRow(ReminderRows.Entry(grain, "unspecified", DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), TimeSpan.FromDays(400)));
        await table.UpsertRow(ReminderRows.Entry(grain, "earliest", DateTime.MinValue, TimeSpan.FromMilliseconds(2.5)));

        var local = await table.ReadRow(grain, "local");
        Assert.Equal(utc, local!.StartAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1), local.Period);
        var unspecified = await table.ReadRow(grain, "unspecified");
        Assert.Equal(utc, unspecified!.StartAt);
        Assert.Equal(TimeSpan.FromDays(400), unspecified.Period);
        var earliest = await table.ReadRow(grain, "earliest");
        Assert.Equal(DateTime.MinValue, earliest!.StartAt);
        Assert.Equal(TimeSpan.FromMilliseconds(3), earliest.Period);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Every_upsert_returns_a_new_etag_and_the_row_keeps_the_last_write(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        var grain = ReminderRows.NewGrain();
        var seen = new HashSet<string>();
        var entry = ReminderRows.Entry(grain, "tick");
        for (var i = 1; i <= 5; i++)
        {
            entry.StartAt = entry.StartAt.AddSeconds(1);
            entry.Period = TimeSpan.FromSeconds(i);
            var etag = await table.UpsertRow(entry);
            Assert.True(seen.Add(etag!), $"ETag {etag} came back twice");
            var read = await table.ReadRow(grain, "tick");
            Assert.Equal(etag, read!.ETag);
            Assert.Equal(entry.StartAt, read.StartAt);
            Assert.Equal(TimeSpan.FromSeconds(i), read.Period);
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            table.UpsertRow(ReminderRows.Entry(grain, "tick", entry.StartAt.AddMilliseconds(i)))));
        Assert.Equal(parallel.Length, parallel.Distinct().Count());
        Assert.All(parallel, etag => Assert.True(seen.Add(etag!), $"ETag {etag} came back twice"));
        Assert.Single((await table.ReadRows(grain)).Reminders);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_row_is_removed_only_with_its_current_etag(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        var grain = ReminderRows.NewGrain();
        var first = await table.UpsertRow(ReminderRows.Entry(grain, "tick"));
        var current = await table.UpsertRow(ReminderRows.Entry(grain, "tick"));

        Assert.False(await table.RemoveRow(grain, "tick", first!));
        Assert.False(await table.RemoveRow(grain, "tock", current!));
        Assert.False(await table.RemoveRow(ReminderRows.NewGrain(), "tick", current!));
        Assert.False(await table.RemoveRow(grain, "tick", "not-a-version"));
        Assert.False(await table.RemoveRow(grain, "tick", ""));
        Assert.Equal(current, (await table.ReadRow(grain, "tick"))!.ETag);

        Assert.True(await table.RemoveRow(grain, "tick", current!));
        Assert.Null(await table.ReadRow(grain, "tick"));
        Assert.False(await table.RemoveRow(grain, "tick", current!));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_reminder_written_again_after_its_removal_does_not_take_an_etag_it_had_before(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        var grain = ReminderRows.NewGrain();
        var before = await table.UpsertRow(ReminderRows.Entry(grain, "tick"));
        Assert.True(await table.RemoveRow(grain, "tick", before!));

        var after = await table.UpsertRow(ReminderRows.Entry(grain, "tick"));
        Assert.NotEqual(before, after);
        Assert.False(await table.RemoveRow(grain, "tick", before!));
        Assert.True(await table.RemoveRow(grain, "tick", after!));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Reading_by_grain_returns_all_of_that_grains_reminders_and_no_others(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        var grain = ReminderRows.NewGrain();
        var other = ReminderRows.NewGrain();
        var mine = new[] { ReminderRows.Entry(grain, "a"), ReminderRows.Entry(grain, "b"), ReminderRows.Entry(grain, "c/\\#?") };
        foreach (var entry in mine.Append(ReminderRows.Entry(other, "a")))
        {
            entry.ETag = await table.UpsertRow(entry);
        }

        var read = await table.ReadRows(grain);
        Assert.Equal(ReminderRows.Keys(mine), ReminderRows.Keys(read.Reminders));
        Assert.All(read.Reminders, entry => Assert.Equal(mine.Single(m => m.ReminderName == entry.ReminderName).ETag, entry.ETag));
        Assert.Single((await table.ReadRows(other)).Reminders);
        Assert.Empty((await table.ReadRows(ReminderRows.NewGrain())).Reminders);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Reading_by_hash_range_returns_the_rows_in_the_ring_range_begin_exclusive_end_inclusive(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        var entries = new List<ReminderEntry>();
        for (var i = 0; i < 200; i++)
        {
            var grain = ReminderRows.NewGrain();
            entries.Add(ReminderRows.Entry(grain, "tick"));
            if (i % 10 == 0)
            {
                entries.Add(ReminderRows.Entry(grain, "tock"));
            }
        }
        foreach (var entry in entries)
        {
            await table.UpsertRow(entry);
        }

        var hashes = entries.Select(entry => entry.GrainId.GetUniformHashCode()).Distinct().Order().ToArray();
        Assert.Contains(hashes, hash => hash > int.MaxValue);
        Assert.Contains(hashes, hash => hash <= int.MaxValue);
        var random = new Random(20240611);
        var ranges = new List<(uint Begin, uint End)>
        {
            (0, 0),
            (hashes[40], hashes[40]),
            (uint.MaxValue, uint.MaxValue),
            (0, uint.MaxValue),
            (int.MaxValue, uint.MaxValue),
            (0, int.MaxValue),
            (hashes[10], hashes[50]),
            (hashes[10] - 1, hashes[10]),
            (hashes[10], hashes[11] - 1),
            (hashes[150], hashes[20]),
            (hashes[150] - 1, hashes[20] - 1),
            (hashes[^1], hashes[0]),
            (hashes[^1] - 1, hashes[0]),
            (uint.MaxValue, hashes[30]),
            (hashes[170], 0),
            (hashes[170], uint.MaxValue),
        };
        for (var i = 0; i < 40; i++)
        {
            ranges.Add(((uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32)));
        }

        foreach (var (begin, end) in ranges)
        {
            var expected = ReminderRows.Keys(entries.Where(entry => ReminderRows.InRing(begin, end, entry.GrainId.GetUniformHashCode())));
            var actual = ReminderRows.Keys((await table.ReadRows(begin, end)).Reminders);
            Assert.True(expected.SequenceEqual(actual),
                $"ReadRows({begin}, {end}) returned {actual.Length} rows where {expected.Length} are in the range.");
        }
        Assert.Equal(entries.Count, (await table.ReadRows(0, 0)).Reminders.Count);
        Assert.Single((await table.ReadRows(hashes[10] - 1, hashes[10])).Reminders.Select(entry => entry.GrainId).Distinct());
        Assert.Empty((await table.ReadRows(hashes[10], hashes[11] - 1)).Reminders);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Clearing_the_table_removes_every_reminder(Database database)
    {
        await using var store = await TestStores.NewStoreAsync(database, postgres);
        var table = new SqlReminderTable(store);
        for (var i = 0; i < 5; i++)
        {
            await table.UpsertRow(ReminderRows.Entry(ReminderRows.NewGrain(), "tick"));
        }
        Assert.Equal(5, (await table.ReadRows(0, 0)).Reminders.Count);

        await table.TestOnlyClearTable();
        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_database_that_cannot_be_opened_fails_with_a_storage_exception_naming_the_operation(Database database)
    {
        var options = new StorageOptions();
        if (database == Database.Sqlite)
        {
            var file = TestData.NewFile("not-a-folder", ".txt");
            await File.WriteAllTextAsync(file, "a file where the database's folder should be");
            options.UseSqlite(Path.Combine(file, "grid.db"));
        }
        else
        {
            options.UsePostgres(new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { Database = $"missing_{Guid.NewGuid():N}" }.ConnectionString);
        }
        await using var store = TestStores.Open(options);
        var table = new SqlReminderTable(store);
        var grain = ReminderRows.NewGrain();

        var write = await Assert.ThrowsAsync<StorageUnavailableException>(() => table.UpsertRow(ReminderRows.Entry(grain, "tick")));
        Assert.Contains("reminder 'tick'", write.Message, StringComparison.Ordinal);
        Assert.Contains(database == Database.Sqlite ? "SQLite" : "PostgreSQL", write.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.ReadRows(grain));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.ReadRows(1, 2));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.ReadRow(grain, "tick"));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.RemoveRow(grain, "tick", "1"));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.TestOnlyClearTable());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.StartAsync());
    }
}
