using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Reminders;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The index store contract every provider must meet identically. Each derived class runs it against one provider.</summary>
public abstract class IndexStoreConformanceTests : StorageSuite
{
    private const string Runs = "runs";

    private IIndexStore Index => Opened.Index;

    [Fact]
    public async Task Put_scan_and_delete()
    {
        await Index.ApplyAsync([Put(Runs, "b", "2"), Put(Runs, "a", "1"), Put(Runs, "c", "3")]);

        Assert.Equal([("a", "1"), ("b", "2"), ("c", "3")], await ScanAsync(Runs, ""));

        await Index.ApplyAsync([IndexChange.Delete(Runs, "b"), IndexChange.Delete(Runs, "never-stored")]);

        Assert.Equal([("a", "1"), ("c", "3")], await ScanAsync(Runs, ""));
    }

    [Fact]
    public async Task A_put_replaces_the_value_and_empty_values_are_kept()
    {
        await Index.ApplyAsync([Put(Runs, "a", "old")]);
        await Index.ApplyAsync([Put(Runs, "a", "new"), IndexChange.Put(Runs, "empty", [])]);

        Assert.Equal([("a", "new"), ("empty", "")], await ScanAsync(Runs, ""));
    }

    [Fact]
    public async Task Changes_apply_in_order()
    {
        await Index.ApplyAsync([Put(Runs, "z", "0")]);

        await Index.ApplyAsync([
            Put(Runs, "x", "1"), Put(Runs, "x", "2"),
            Put(Runs, "y", "1"), IndexChange.Delete(Runs, "y"),
            IndexChange.Delete(Runs, "z"), Put(Runs, "z", "again"),
        ]);

        Assert.Equal([("x", "2"), ("z", "again")], await ScanAsync(Runs, ""));
    }

    [Fact]
    public async Task Keys_sort_by_ordinal_code_point_order_in_both_directions()
    {
        string[] ordered = ["10", "9", "Z", "a", "a/", "a/B", "a/a", "ab", "é", "\uFFFD", "😀", "😁"];
        await Index.ApplyAsync([.. ordered.Reverse().Select(key => Put(Runs, key, key))]);

        Assert.Equal(ordered, (await Index.ScanAsync(Runs, "", null, 100)).Select(row => row.Key));
        Assert.Equal(ordered.Reverse(), (await Index.ScanAsync(Runs, "", null, 100, descending: true)).Select(row => row.Key));
    }

    [Fact]
    public async Task A_prefix_is_a_string_prefix_and_tables_are_separate()
    {
        await Index.ApplyAsync([
            Put(Runs, "run/1/a", "1a"), Put(Runs, "run/1/b", "1b"), Put(Runs, "run/10/a", "10a"), Put(Runs, "run/2/a", "2a"),
            Put(Runs, "run/1", "exact"), Put(Runs, "run0", "after-prefix"), Put(Runs, "ru", "before-prefix"),
            Put("other", "run/1/a", "other table"),
        ]);

        Assert.Equal(["run/1/a", "run/1/b"], await KeysAsync(Runs, "run/1/"));
        Assert.Equal(["run/1", "run/1/a", "run/1/b", "run/10/a"], await KeysAsync(Runs, "run/1"));
        Assert.Equal(["run/10/a"], await KeysAsync(Runs, "run/10"));
        Assert.Equal(["run/1/b", "run/1/a"], (await Index.ScanAsync(Runs, "run/1/", null, 10, descending: true)).Select(row => row.Key));
        Assert.Equal([("run/1/a", "other table")], await ScanAsync("other", ""));
        Assert.Empty(await Index.ScanAsync("missing", "", null, 10));
        Assert.Empty(await Index.ScanAsync(Runs, "run/3", null, 10));
    }

    [Theory]
    [InlineData("a\uD7FF", "a\uD7FFz", "a\uE000")]
    [InlineData("a\uFFFF", "a\uFFFF\uFFFF", "a\U00010000")]
    [InlineData("x😀", "x😀!", "x😁")]
    [InlineData("a\U0010FFFF", "a\U0010FFFF\U0010FFFF", "b")]
    [InlineData("\U0010FFFF", "\U0010FFFFz", "\U0010FFFE")]
    public async Task Prefixes_ending_in_high_code_points_select_exactly_their_keys(string prefix, string longer, string outside)
    {
        await Index.ApplyAsync([Put(Runs, prefix, "p"), Put(Runs, longer, "l"), Put(Runs, outside, "o")]);

        Assert.Equal([prefix, longer], await KeysAsync(Runs, prefix));
        Assert.Equal([longer, prefix], (await Index.ScanAsync(Runs, prefix, null, 10, descending: true)).Select(row => row.Key));
        Assert.Equal(2, await Index.CountAsync(Runs, prefix));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Paging_with_after_visits_every_row_once(bool descending)
    {
        var keys = Enumerable.Range(0, 237).Select(i => $"run/{i % 7}/{i:D4}").ToArray();
        await Index.ApplyAsync([.. keys.Select(key => Put(Runs, key, key)), Put(Runs, "runz", "outside"), Put(Runs, "rum", "outside")]);

        var visited = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Index.ScanAsync(Runs, "run/", after, 10, descending);
            visited.AddRange(page.Select(row => row.Key));
            if (page.Count < 10)
            {
                break;
            }
            after = page[^1].Key;
        }

        var expected = keys.Order(StringComparer.Ordinal).ToList();
        if (descending)
        {
            expected.Reverse();
        }
        Assert.Equal(expected, visited);
    }

    [Fact]
    public async Task After_is_exclusive_need_not_be_stored_and_may_lie_outside_the_prefix()
    {
        await Index.ApplyAsync([.. new[] { "k/1", "k/2", "k/3", "j", "l" }.Select(key => Put(Runs, key, key))]);

        Assert.Equal(["k/3"], await KeysAsync(Runs, "k/", "k/2"));
        Assert.Equal(["k/2", "k/3"], await KeysAsync(Runs, "k/", "k/15"));
        Assert.Equal(["k/1", "k/2", "k/3"], await KeysAsync(Runs, "k/", "a"));
        Assert.Empty(await KeysAsync(Runs, "k/", "k/3"));
        Assert.Empty(await KeysAsync(Runs, "k/", "z"));
        Assert.Equal(["k/1"], (await Index.ScanAsync(Runs, "k/", "k/2", 10, descending: true)).Select(row => row.Key));
        Assert.Equal(["k/3", "k/2", "k/1"], (await Index.ScanAsync(Runs, "k/", "z", 10, descending: true)).Select(row => row.Key));
        Assert.Empty(await Index.ScanAsync(Runs, "k/", "a", 10, descending: true));
        Assert.Equal(["k/3", "k/2"], (await Index.ScanAsync(Runs, "k/", null, 2, descending: true)).Select(row => row.Key));
    }

    [Fact]
    public async Task Counts_cover_exactly_the_prefix()
    {
        await Index.ApplyAsync([
            .. Enumerable.Range(0, 30).Select(i => Put(Runs, $"group/{i % 3:D3}/{i:D3}", "v")),
            Put(Runs, "groupie", "v"), Put("other", "group/000/x", "v"),
        ]);

        Assert.Equal(10, await Index.CountAsync(Runs, "group/000/"));
        Assert.Equal(30, await Index.CountAsync(Runs, "group/"));
        Assert.Equal(31, await Index.CountAsync(Runs, "group"));
        Assert.Equal(31, await Index.CountAsync(Runs, ""));
        Assert.Equal(0, await Index.CountAsync(Runs, "group/003/"));
        Assert.Equal(0, await Index.CountAsync("missing", ""));
    }

    [Fact]
    public async Task Rows_survive_reopening()
    {
        var value = new byte[64 * 1024];
        new Random(7).NextBytes(value);
        await Index.ApplyAsync([Put(Runs, "a", "1"), IndexChange.Put(Runs, "big", value), Put(Runs, "gone", "x")]);
        await Index.ApplyAsync([IndexChange.Delete(Runs, "gone")]);

        await ReopenAsync();

        var rows = await Index.ScanAsync(Runs, "", null, 10);
        Assert.Equal(["a", "big"], rows.Select(row => row.Key));
        Assert.Equal(value, rows[1].Value);
        Assert.Equal(2, await Index.CountAsync(Runs, ""));
    }

    [Fact]
    public async Task Ten_thousand_parallel_applies_are_all_durable()
    {
        var applies = Enumerable.Range(0, 10_000)
            .Select(i => Task.Run(() => Index.ApplyAsync([Put(Runs, $"r/{i:D5}", $"{i}"), Put("by-value", $"{i}", $"r/{i:D5}")])))
            .ToArray();

        await Task.WhenAll(applies);
        await ReopenAsync();

        Assert.Equal(10_000, await Index.CountAsync(Runs, "r/"));
        Assert.Equal(10_000, await Index.CountAsync("by-value", ""));
        var rows = await Index.ScanAsync(Runs, "r/", null, 10_000);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => ($"r/{i:D5}", $"{i}")), rows.Select(row => (row.Key, Text(row.Value))));
    }

    [Fact]
    public async Task Index_changes_share_commits_with_state_and_reminder_writes()
    {
        var grain = new GrainId("run", "r-1");
        Task apply;
        Task<string> write;
        Task<ReminderEntry> upsert;
        await using (await Backend.HoldWritesAsync())
        {
            write = Opened.Storage.WriteAsync(grain, "state", Bytes("running"), null);
            apply = Index.ApplyAsync([Put(Runs, "running/r-1", "r-1"), IndexChange.Delete(Runs, "queued/r-1")]);
            upsert = Opened.Reminders.UpsertAsync(grain, "timeout", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        }

        await apply;
        Assert.Equal("1", await write);
        Assert.Equal("1", (await upsert).ETag);
        Assert.Equal(["running/r-1"], await KeysAsync(Runs, ""));
    }

    [Fact]
    public async Task A_batch_the_database_rejects_leaves_none_of_its_changes_and_later_batches_commit()
    {
        if (!await Backend.RejectIndexKeyAsync("bad"))
        {
            return; // The in-memory store has no database that could reject a valid key.
        }
        await Index.ApplyAsync([Put(Runs, "kept", "before")]);
        var grain = new GrainId("run", "r-1");

        Task failing;
        Task sharingTheBatch;
        Task<string> stateWrite;
        await using (await Backend.HoldOneBatchAsync(Opened.Storage))
        {
            failing = Index.ApplyAsync([Put(Runs, "good-1", "x"), IndexChange.Delete(Runs, "kept"), Put(Runs, "bad", "x"), Put(Runs, "good-2", "x")]);
            sharingTheBatch = Index.ApplyAsync([Put(Runs, "other", "x")]);
            stateWrite = Opened.Storage.WriteAsync(grain, "state", Bytes("x"), null);
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => failing);
        Assert.IsNotAssignableFrom<ArgumentException>(failure);
        await Assert.ThrowsAnyAsync<Exception>(() => sharingTheBatch);
        await Assert.ThrowsAnyAsync<Exception>(() => stateWrite);
        Assert.Equal([("kept", "before")], await ScanAsync(Runs, ""));
        Assert.Null(await Opened.Storage.ReadAsync(grain, "state"));

        await Index.ApplyAsync([Put(Runs, "good-1", "after")]);
        Assert.Equal([("good-1", "after"), ("kept", "before")], await ScanAsync(Runs, ""));
    }

    [Fact]
    public async Task Keys_at_the_size_limits_round_trip()
    {
        var longAscii = new string('k', IndexArguments.MaxKeyLength);
        var random = new Random(11);
        var longCjk = new string([.. Enumerable.Range(0, IndexArguments.MaxKeyBytes / 3).Select(_ => (char)random.Next(0x4E00, 0x9FFF))]);
        var longTable = new string([.. Enumerable.Range(0, IndexArguments.MaxTableLength).Select(_ => (char)random.Next(0x4E00, 0x9FFF))]);
        var unusual = "ключ/with spaces/'quote'\"/%_\\/🙂";

        await Index.ApplyAsync([Put(Runs, longAscii, "ascii"), Put(Runs, longCjk, "cjk"), Put(longTable, longCjk, "table"), Put(Runs, unusual, "unusual")]);
        await ReopenAsync();

        Assert.Equal([(longAscii, "ascii"), (unusual, "unusual"), (longCjk, "cjk")], await ScanAsync(Runs, ""));
        Assert.Equal([(longCjk, "table")], await ScanAsync(longTable, longCjk[..10]));
        Assert.Equal([(unusual, "unusual")], await ScanAsync(Runs, "ключ/with spaces/'quote'\"/%_"));
        Assert.Empty(await ScanAsync(Runs, "ключ/with spaces/'quote'\"/%%"));
    }

    [Fact]
    public async Task An_empty_change_list_completes_at_once()
    {
        var apply = Index.ApplyAsync([]);

        Assert.True(apply.IsCompletedSuccessfully);
        await apply;
    }

    [Fact]
    public async Task Bad_arguments_are_rejected_and_nothing_is_written()
    {
        var good = Put(Runs, "good", "x");
        IndexChange[][] badBatches =
        [
            [good, Put("", "key", "x")],
            [good, Put(Runs, "", "x")],
            [good, Put(Runs, new string('k', IndexArguments.MaxKeyLength + 1), "x")],
            [good, Put(Runs, new string('中', IndexArguments.MaxKeyBytes / 3 + 1), "x")],
            [good, Put(new string('t', IndexArguments.MaxTableLength + 1), "key", "x")],
            [good, Put(Runs, "nul\0key", "x")],
            [good, Put(Runs, "lone\uD800surrogate", "x")],
            [good, Put(Runs, "reversed\uDC00\uD800pair", "x")],
            [good, null!],
            [good, new IndexChange(Runs, null!, null)],
        ];

        foreach (var batch in badBatches)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.ApplyAsync(batch));
        }
        await Assert.ThrowsAsync<ArgumentNullException>(() => Index.ApplyAsync(null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Index.ScanAsync(Runs, "", null, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Index.ScanAsync(Runs, "", null, IndexArguments.MaxScanLimit + 1));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.ScanAsync("", "", null, 10));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.ScanAsync(Runs, "nul\0", null, 10));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.ScanAsync(Runs, "", "\uDFFF", 10));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Index.ScanAsync(Runs, null!, null, 10));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.CountAsync("", ""));
        await Assert.ThrowsAsync<ArgumentException>(() => Index.CountAsync(Runs, "\0"));

        await ReopenAsync();
        Assert.Equal(0, await Index.CountAsync(Runs, ""));
        Assert.Empty(await Index.ScanAsync(Runs, "", null, IndexArguments.MaxScanLimit));
    }

    private static IndexChange Put(string table, string key, string value) => IndexChange.Put(table, key, Bytes(value));

    private async Task<List<(string Key, string Value)>> ScanAsync(string table, string prefix) =>
        [.. (await Index.ScanAsync(table, prefix, null, 1000)).Select(row => (row.Key, Text(row.Value)))];

    private async Task<List<string>> KeysAsync(string table, string prefix, string? after = null) =>
        [.. (await Index.ScanAsync(table, prefix, after, 1000)).Select(row => row.Key)];
}
