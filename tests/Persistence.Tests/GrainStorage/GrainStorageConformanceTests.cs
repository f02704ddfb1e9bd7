using System.Diagnostics.Metrics;
using Orleans;
using Orleans.Storage;

namespace MachineGrid.Persistence.Tests.GrainStorage;

[Collection(StoragePostgresCollection.Name)]
public sealed class GrainStorageConformanceTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_written_state_reads_back_after_the_database_is_reopened(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("read-back");
        var empty = await storage.ReadAsync<Counter>(grain);
        Assert.False(empty.RecordExists);
        Assert.Null(empty.ETag);

        var state = new GrainState<Counter>(new Counter { Value = 42, Label = "answer \"quoted\" ünïcode" });
        await storage.Grains.WriteStateAsync("state", grain, state);
        Assert.True(state.RecordExists);
        await storage.ReopenAsync();

        var read = await storage.ReadAsync<Counter>(grain);
        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(42, read.State!.Value);
        Assert.Equal("answer \"quoted\" ünïcode", read.State!.Label);
        Assert.False((await storage.ReadAsync<Counter>(grain, "other")).RecordExists);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Many_reads_at_once_each_get_their_own_record_or_none(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        for (var i = 0; i < 300; i += 3)
        {
            await storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain($"many-{i}"), new GrainState<Counter>(new Counter { Value = i, Label = $"l{i}" }));
        }
        await storage.ReopenAsync();

        // PostgreSQL answers reads that arrive together with one query; every caller must still get exactly its row.
        var reads = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => storage.ReadAsync<Counter>(StorageUnderTest.Grain($"many-{i}"))));
        var again = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => storage.ReadAsync<Counter>(StorageUnderTest.Grain($"many-{i}"), i % 2 == 0 ? "state" : "other")));
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(i % 3 == 0, reads[i].RecordExists);
            Assert.Equal(i % 3 == 0 ? i : 0, reads[i].State!.Value);
            Assert.Equal(i % 3 == 0 ? $"l{i}" : "", reads[i].State!.Label);
            Assert.Equal(i % 6 == 0, again[i].RecordExists);
        }
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task The_etag_changes_on_every_write_and_every_clear(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("etags");
        var state = new GrainState<Counter>(new Counter());
        var seen = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            state.State!.Value = 7;
            await storage.Grains.WriteStateAsync("state", grain, state);
            Assert.True(seen.Add(state.ETag!), $"ETag {state.ETag} came back twice");
        }
        await storage.Grains.ClearStateAsync("state", grain, state);
        Assert.True(seen.Add(state.ETag!));
        await storage.Grains.WriteStateAsync("state", grain, state);
        Assert.True(seen.Add(state.ETag!));
        Assert.Equal(state.ETag, (await storage.ReadAsync<Counter>(grain)).ETag);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_stale_etag_or_a_null_etag_over_a_record_fails_and_changes_nothing(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("stale");
        var first = new GrainState<Counter>(new Counter { Value = 1 });
        await storage.Grains.WriteStateAsync("state", grain, first);
        var staleETag = first.ETag;
        first.State!.Value = 2;
        await storage.Grains.WriteStateAsync("state", grain, first);

        var stale = new GrainState<Counter>(new Counter { Value = 99 }) { ETag = staleETag };
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.Grains.WriteStateAsync("state", grain, stale));
        Assert.Equal(first.ETag, conflict.StoredEtag);
        Assert.Equal(staleETag, conflict.CurrentEtag);
        Assert.Contains(grain.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.Equal(staleETag, stale.ETag);

        var blind = new GrainState<Counter>(new Counter { Value = 98 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.Grains.WriteStateAsync("state", grain, blind));
        var garbage = new GrainState<Counter>(new Counter { Value = 97 }) { ETag = "not-a-version" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.Grains.WriteStateAsync("state", grain, garbage));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.Grains.ClearStateAsync("state", grain, stale));

        var read = await storage.ReadAsync<Counter>(grain);
        Assert.Equal(2, read.State!.Value);
        Assert.Equal(first.ETag, read.ETag);
        Assert.True(read.RecordExists);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Clear_then_read_gives_no_record_and_a_later_write_starts_again(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("clear");
        var state = new GrainState<Counter>(new Counter { Value = 5 });
        await storage.Grains.WriteStateAsync("state", grain, state);
        await storage.Grains.ClearStateAsync("state", grain, state);
        Assert.False(state.RecordExists);

        await storage.ReopenAsync();
        var read = await storage.ReadAsync<Counter>(grain);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Value);
        Assert.Equal(state.ETag, read.ETag);

        read.State!.Value = 6;
        await storage.Grains.WriteStateAsync("state", grain, read);
        Assert.Equal(6, (await storage.ReadAsync<Counter>(grain)).State!.Value);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_thousand_grains_writing_at_once_share_commits_and_all_read_back_after_reopening(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var largestCommit = 0;
        using var listener = ListenToCommitSizes(size => InterlockedMax(ref largestCommit, size));
        var writers = Enumerable.Range(0, 1000).Select(async i =>
        {
            var state = new GrainState<Counter>(new Counter { Value = i, Label = $"grain {i}" });
            await storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain($"many-{i}"), state);
            state.State!.Value = i * 2;
            await storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain($"many-{i}"), state);
            return state.ETag;
        });
        var etags = await Task.WhenAll(writers);
        Assert.True(largestCommit > 1, $"no two writes shared a commit (largest: {largestCommit})");

        await storage.ReopenAsync();
        for (var i = 0; i < 1000; i++)
        {
            var read = await storage.ReadAsync<Counter>(StorageUnderTest.Grain($"many-{i}"));
            Assert.True(read.RecordExists, $"grain {i} was lost");
            Assert.Equal(i * 2, read.State!.Value);
            Assert.Equal(etags[i], read.ETag);
        }
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_stale_write_inside_a_batch_fails_alone(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grains = Enumerable.Range(0, 50).Select(i => StorageUnderTest.Grain($"batch-{i}")).ToArray();
        var states = grains.Select(_ => new GrainState<Counter>(new Counter { Value = 1 })).ToArray();
        await Task.WhenAll(grains.Select((grain, i) => storage.Grains.WriteStateAsync("state", grain, states[i])));
        var staleIndex = 17;
        var staleETag = states[staleIndex].ETag;
        await storage.Grains.WriteStateAsync("state", grains[staleIndex], states[staleIndex]);

        var largestCommit = 0;
        using var listener = ListenToCommitSizes(size => InterlockedMax(ref largestCommit, size));
        var attempts = grains.Select((grain, i) =>
        {
            var attempt = i == staleIndex
                ? new GrainState<Counter>(new Counter { Value = -1 }) { ETag = staleETag }
                : states[i];
            attempt.State!.Value = i == staleIndex ? -1 : 2;
            return storage.Grains.WriteStateAsync("state", grain, attempt);
        }).ToArray();
        await Assert.ThrowsAsync<InconsistentStateException>(() => attempts[staleIndex]);
        await Task.WhenAll(attempts.Where((_, i) => i != staleIndex));
        Assert.True(largestCommit > 1, $"the writes did not share a commit (largest: {largestCommit})");

        for (var i = 0; i < grains.Length; i++)
        {
            Assert.Equal(i == staleIndex ? 1 : 2, (await storage.ReadAsync<Counter>(grains[i])).State!.Value);
        }
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Of_concurrent_writes_to_one_record_with_the_same_etag_exactly_one_lands(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("contested");
        var first = new GrainState<Counter>(new Counter { Value = 0 });
        await storage.Grains.WriteStateAsync("state", grain, first);
        foreach (var etag in new[] { first.ETag, null })
        {
            var attempts = Enumerable.Range(1, 20)
                .Select(i => new GrainState<Counter>(new Counter { Value = i }) { ETag = etag })
                .Select(async state =>
                {
                    try
                    {
                        await storage.Grains.WriteStateAsync("state", grain, state);
                        return state.State!.Value;
                    }
                    catch (InconsistentStateException)
                    {
                        return 0;
                    }
                })
                .ToList();
            var winners = (await Task.WhenAll(attempts)).Where(value => value != 0).ToList();
            if (etag is null)
            {
                Assert.Empty(winners);
            }
            else
            {
                Assert.Equal(winners.Single(), (await storage.ReadAsync<Counter>(grain)).State!.Value);
            }
        }
        Assert.Equal("2", (await storage.ReadAsync<Counter>(grain)).ETag);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task With_group_commit_off_each_write_commits_alone_with_the_same_outcomes(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres, options => options.GroupCommit = false);
        var largestCommit = 0;
        using var listener = ListenToCommitSizes(size => InterlockedMax(ref largestCommit, size));
        var states = Enumerable.Range(0, 40).Select(i => new GrainState<Counter>(new Counter { Value = i })).ToArray();
        await Task.WhenAll(states.Select((state, i) => storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain($"alone-{i}"), state)));
        Assert.Equal(1, largestCommit);
        var stale = new GrainState<Counter>(new Counter()) { ETag = "7" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain("alone-3"), stale));
        Assert.Equal(3, (await storage.ReadAsync<Counter>(StorageUnderTest.Grain("alone-3"))).State!.Value);
    }

    private static MeterListener ListenToCommitSizes(Action<int> onCommit)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MachineGrid.Persistence" && instrument.Name == "machinegrid.storage.commit.writes")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => onCommit(value));
        listener.Start();
        return listener;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
