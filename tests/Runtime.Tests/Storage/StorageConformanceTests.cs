using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Reminders;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract every provider must meet identically. Each derived class runs it against one provider.</summary>
public abstract class StorageConformanceTests : StorageSuite
{
    private static readonly GrainId Grain = new("machine", "m-1");

    private IGrainStorage Storage => Opened.Storage;

    private IReminderTable Reminders => Opened.Reminders;

    [Fact]
    public async Task Read_of_a_never_written_record_returns_null()
    {
        Assert.Null(await Storage.ReadAsync(Grain, "profile"));
    }

    [Fact]
    public async Task Each_write_returns_a_new_etag_that_reads_return()
    {
        var first = await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);
        var second = await Storage.WriteAsync(Grain, "profile", Bytes("two"), first);

        Assert.Equal("1", first);
        Assert.Equal("2", second);
        var stored = await Storage.ReadAsync(Grain, "profile");
        Assert.Equal("2", stored!.ETag);
        Assert.Equal("two", Text(stored.Data));
    }

    [Fact]
    public async Task A_stale_etag_throws_and_leaves_storage_unchanged()
    {
        var first = await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);
        await Storage.WriteAsync(Grain, "profile", Bytes("two"), first);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Grain, "profile", Bytes("stale"), first));

        Assert.Contains(Grain.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.Contains("'profile'", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("expected version 1", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("version 2", conflict.Message, StringComparison.Ordinal);
        var stored = await Storage.ReadAsync(Grain, "profile");
        Assert.Equal("2", stored!.ETag);
        Assert.Equal("two", Text(stored.Data));
    }

    [Fact]
    public async Task Writing_as_new_when_a_record_exists_throws()
    {
        await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Grain, "profile", Bytes("again"), null));

        Assert.Equal("one", Text((await Storage.ReadAsync(Grain, "profile"))!.Data));
    }

    [Fact]
    public async Task Writing_with_an_etag_when_no_record_exists_throws_and_writes_nothing()
    {
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Grain, "profile", Bytes("one"), "1"));

        Assert.Contains("no record", conflict.Message, StringComparison.Ordinal);
        Assert.Null(await Storage.ReadAsync(Grain, "profile"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("")]
    public async Task An_etag_that_is_no_version_never_matches(string etag)
    {
        await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Grain, "profile", Bytes("two"), etag));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Grain, "profile", etag));

        Assert.Equal("1", (await Storage.ReadAsync(Grain, "profile"))!.ETag);
    }

    [Fact]
    public async Task Clear_bumps_the_etag_and_leaves_a_tombstone()
    {
        var written = await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);

        var cleared = await Storage.ClearAsync(Grain, "profile", written);

        Assert.Equal("2", cleared);
        Assert.Equal(new StoredState(null, "2"), await Storage.ReadAsync(Grain, "profile"));
    }

    [Fact]
    public async Task Write_clear_read_returns_no_data()
    {
        var etag = await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);
        etag = await Storage.WriteAsync(Grain, "profile", Bytes("two"), etag);
        await Storage.ClearAsync(Grain, "profile", etag);

        var stored = await Storage.ReadAsync(Grain, "profile");

        Assert.NotNull(stored);
        Assert.Null(stored.Data);
        Assert.Equal("3", stored.ETag);
    }

    [Fact]
    public async Task Clear_of_a_missing_record_inserts_a_tombstone_at_version_1()
    {
        Assert.Equal("1", await Storage.ClearAsync(Grain, "profile", null));

        Assert.Equal(new StoredState(null, "1"), await Storage.ReadAsync(Grain, "profile"));
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_throws_and_keeps_the_value()
    {
        var first = await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);
        await Storage.WriteAsync(Grain, "profile", Bytes("two"), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Grain, "profile", first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Grain, "profile", null));

        Assert.Equal("two", Text((await Storage.ReadAsync(Grain, "profile"))!.Data));
    }

    [Fact]
    public async Task Writing_after_a_clear_uses_the_tombstone_etag()
    {
        var written = await Storage.WriteAsync(Grain, "profile", Bytes("one"), null);
        var tombstone = await Storage.ClearAsync(Grain, "profile", written);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Grain, "profile", Bytes("new"), null));
        var rewritten = await Storage.WriteAsync(Grain, "profile", Bytes("again"), tombstone);

        Assert.Equal("3", rewritten);
        Assert.Equal("again", Text((await Storage.ReadAsync(Grain, "profile"))!.Data));
    }

    [Fact]
    public async Task State_names_are_independent()
    {
        await Storage.WriteAsync(Grain, "profile", Bytes("p"), null);
        await Storage.WriteAsync(Grain, "sessions", Bytes("s"), null);
        await Storage.ClearAsync(Grain, "profile", "1");

        Assert.Equal(new StoredState(null, "2"), await Storage.ReadAsync(Grain, "profile"));
        var sessions = await Storage.ReadAsync(Grain, "sessions");
        Assert.Equal("1", sessions!.ETag);
        Assert.Equal("s", Text(sessions.Data));
        Assert.Null(await Storage.ReadAsync(Grain, "other"));
    }

    [Fact]
    public async Task Grain_types_and_keys_are_independent()
    {
        var machine = new GrainId("machine", "same-key");
        var group = new GrainId("machinegroup", "same-key");
        var otherMachine = new GrainId("machine", "other-key");

        await Storage.WriteAsync(machine, "state", Bytes("machine"), null);
        await Storage.WriteAsync(group, "state", Bytes("group"), null);
        await Storage.WriteAsync(group, "state", Bytes("group 2"), "1");

        Assert.Equal("1", (await Storage.ReadAsync(machine, "state"))!.ETag);
        Assert.Equal("machine", Text((await Storage.ReadAsync(machine, "state"))!.Data));
        Assert.Equal("group 2", Text((await Storage.ReadAsync(group, "state"))!.Data));
        Assert.Null(await Storage.ReadAsync(otherMachine, "state"));
    }

    [Fact]
    public async Task Keys_with_unusual_characters_round_trip()
    {
        var grain = new GrainId("machine", "ключ/with spaces/'quote'\"/🙂/" + new string('x', 400));

        var etag = await Storage.WriteAsync(grain, "état", Bytes("ok"), null);

        Assert.Equal("ok", Text((await Storage.ReadAsync(grain, "état"))!.Data));
        Assert.Equal("1", etag);
    }

    [Fact]
    public async Task A_thousand_parallel_writes_to_distinct_grains_are_all_durable()
    {
        var grains = Enumerable.Range(0, 1000).Select(i => new GrainId("counter", $"c-{i}")).ToArray();

        var etags = await Task.WhenAll(grains.Select(grain => Storage.WriteAsync(grain, "state", Bytes(grain.Key), null)));
        Assert.All(etags, etag => Assert.Equal("1", etag));
        var second = await Task.WhenAll(grains.Select(grain => Storage.WriteAsync(grain, "state", Bytes(grain.Key + "+"), "1")));
        Assert.All(second, etag => Assert.Equal("2", etag));
        await ReopenAsync();

        var stored = await Task.WhenAll(grains.Select(grain => Storage.ReadAsync(grain, "state")));
        for (var i = 0; i < grains.Length; i++)
        {
            Assert.Equal("2", stored[i]!.ETag);
            Assert.Equal(grains[i].Key + "+", Text(stored[i]!.Data));
        }
    }

    [Fact]
    public async Task A_one_megabyte_payload_round_trips()
    {
        var payload = new byte[1024 * 1024];
        new Random(42).NextBytes(payload);

        var etag = await Storage.WriteAsync(Grain, "blob", payload, null);
        payload[0] ^= 0xFF;
        await Storage.WriteAsync(Grain, "blob", payload, etag);
        await ReopenAsync();

        var stored = await Storage.ReadAsync(Grain, "blob");
        Assert.Equal("2", stored!.ETag);
        Assert.Equal(payload, stored.Data);
    }

    [Fact]
    public async Task A_conflicting_write_fails_alone_and_the_rest_of_its_batch_commits()
    {
        var contested = new GrainId("machine", "contested");
        await Storage.WriteAsync(contested, "state", Bytes("v1"), null);
        var others = Enumerable.Range(0, 20).Select(i => new GrainId("machine", $"batch-{i}")).ToArray();

        Task<string> conflicting;
        Task<string>[] committing;
        await using (await Backend.HoldWritesAsync())
        {
            var first = Storage.WriteAsync(others[0], "state", Bytes(others[0].Key), null);
            conflicting = Storage.WriteAsync(contested, "state", Bytes("stale"), "7");
            committing = [first, .. others.Skip(1).Select(grain => Storage.WriteAsync(grain, "state", Bytes(grain.Key), null))];
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => conflicting);
        Assert.All(await Task.WhenAll(committing), etag => Assert.Equal("1", etag));
        await ReopenAsync();
        Assert.Equal("v1", Text((await Storage.ReadAsync(contested, "state"))!.Data));
        foreach (var grain in others)
        {
            Assert.Equal(grain.Key, Text((await Storage.ReadAsync(grain, "state"))!.Data));
        }
    }

    [Fact]
    public async Task Writes_to_one_record_in_one_batch_apply_in_order()
    {
        Task<string>[] writes;
        await using (await Backend.HoldWritesAsync())
        {
            writes = [.. Enumerable.Range(0, 5).Select(i => Storage.WriteAsync(Grain, "state", Bytes($"v{i + 1}"), i == 0 ? null : $"{i}"))];
        }

        Assert.Equal(["1", "2", "3", "4", "5"], await Task.WhenAll(writes));
        Assert.Equal("v5", Text((await Storage.ReadAsync(Grain, "state"))!.Data));
    }

    [Fact]
    public async Task Bad_arguments_are_rejected_before_storage()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Storage.WriteAsync(Grain, "state", null!, null));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.WriteAsync(Grain, "", Bytes("x"), null));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.ReadAsync(default, "state"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reminders.UpsertAsync(Grain, "r", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(-1)));
        Assert.Null(await Storage.ReadAsync(Grain, "state"));
    }

    [Fact]
    public async Task A_reminder_upsert_is_read_back_by_grain_and_in_all()
    {
        var start = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(7);
        var other = new GrainId("machinegroup", "g-1");

        var entry = await Reminders.UpsertAsync(Grain, "heartbeat", start, TimeSpan.FromMinutes(5));
        await Reminders.UpsertAsync(Grain, "audit", start, TimeSpan.FromHours(1));
        await Reminders.UpsertAsync(other, "queue-timeout", start, TimeSpan.FromMinutes(1));

        Assert.Equal(new ReminderEntry(Grain, "heartbeat", start, TimeSpan.FromMinutes(5), "1"), entry);
        Assert.Equal(TimeSpan.Zero, entry.StartAt.Offset);
        var forGrain = await Reminders.ReadGrainAsync(Grain);
        Assert.Equal(["audit", "heartbeat"], forGrain.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains(entry, forGrain);
        var all = await Reminders.ReadAllAsync();
        Assert.Equal(3, all.Count);
        Assert.Contains(all, e => e.GrainId == other && e.Name == "queue-timeout" && e.Period == TimeSpan.FromMinutes(1) && e.StartAt == start);
        Assert.Empty(await Reminders.ReadGrainAsync(new GrainId("machine", "nobody")));
    }

    [Fact]
    public async Task Upserting_an_existing_reminder_replaces_it_and_bumps_the_etag()
    {
        var start = DateTimeOffset.UnixEpoch.AddDays(20000);
        await Reminders.UpsertAsync(Grain, "heartbeat", start, TimeSpan.FromMinutes(5));

        var updated = await Reminders.UpsertAsync(Grain, "heartbeat", start.AddHours(1), TimeSpan.FromMinutes(10));

        Assert.Equal("2", updated.ETag);
        var stored = Assert.Single(await Reminders.ReadGrainAsync(Grain));
        Assert.Equal(new ReminderEntry(Grain, "heartbeat", start.AddHours(1), TimeSpan.FromMinutes(10), "2"), stored);
    }

    [Fact]
    public async Task Remove_with_the_current_etag_removes_the_reminder()
    {
        var entry = await Reminders.UpsertAsync(Grain, "heartbeat", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5));

        Assert.True(await Reminders.RemoveAsync(Grain, "heartbeat", entry.ETag));

        Assert.Empty(await Reminders.ReadGrainAsync(Grain));
        Assert.False(await Reminders.RemoveAsync(Grain, "heartbeat", entry.ETag));
    }

    [Fact]
    public async Task Remove_with_a_stale_etag_returns_false_and_keeps_the_reminder()
    {
        var first = await Reminders.UpsertAsync(Grain, "heartbeat", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5));
        await Reminders.UpsertAsync(Grain, "heartbeat", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(6));

        Assert.False(await Reminders.RemoveAsync(Grain, "heartbeat", first.ETag));
        Assert.False(await Reminders.RemoveAsync(Grain, "heartbeat", "not-a-version"));

        Assert.Equal("2", Assert.Single(await Reminders.ReadGrainAsync(Grain)).ETag);
    }

    [Fact]
    public async Task Remove_with_a_null_etag_removes_whatever_is_stored()
    {
        await Reminders.UpsertAsync(Grain, "heartbeat", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5));
        await Reminders.UpsertAsync(Grain, "heartbeat", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(6));

        Assert.True(await Reminders.RemoveAsync(Grain, "heartbeat", null));
        Assert.False(await Reminders.RemoveAsync(Grain, "heartbeat", null));
        Assert.Empty(await Reminders.ReadAllAsync());
    }

    [Fact]
    public async Task A_one_shot_reminder_round_trips_with_period_zero()
    {
        var due = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

        var entry = await Reminders.UpsertAsync(Grain, "run-timeout", due, TimeSpan.Zero);

        Assert.True(entry.IsOneShot);
        var stored = Assert.Single(await Reminders.ReadGrainAsync(Grain));
        Assert.True(stored.IsOneShot);
        Assert.Equal(entry, stored);
    }

    [Fact]
    public async Task Reminders_and_state_survive_reopening()
    {
        var due = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var periodic = await Reminders.UpsertAsync(Grain, "heartbeat", due, TimeSpan.FromSeconds(30));
        var oneShot = await Reminders.UpsertAsync(new GrainId("run", "r-1"), "queue-timeout", due.AddHours(3), TimeSpan.Zero);
        await Storage.WriteAsync(Grain, "state", Bytes("kept"), null);

        await ReopenAsync();

        Assert.Equal([periodic, oneShot], (await Reminders.ReadAllAsync()).OrderBy(e => e.GrainId.Type, StringComparer.Ordinal));
        Assert.Equal("kept", Text((await Storage.ReadAsync(Grain, "state"))!.Data));
        Assert.True(await Reminders.RemoveAsync(Grain, "heartbeat", periodic.ETag));
    }

    [Fact]
    public async Task Reminder_writes_and_state_writes_share_batches()
    {
        Task<ReminderEntry> upsert;
        Task<bool> remove;
        Task<string> write;
        var existing = await Reminders.UpsertAsync(Grain, "old", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        await using (await Backend.HoldWritesAsync())
        {
            upsert = Reminders.UpsertAsync(Grain, "new", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1));
            write = Storage.WriteAsync(Grain, "state", Bytes("x"), null);
            remove = Reminders.RemoveAsync(Grain, "old", existing.ETag);
        }

        Assert.Equal("1", (await upsert).ETag);
        Assert.Equal("1", await write);
        Assert.True(await remove);
        Assert.Equal("new", Assert.Single(await Reminders.ReadGrainAsync(Grain)).Name);
    }
}
