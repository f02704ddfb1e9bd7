using System.Diagnostics.Metrics;
using System.Runtime;
using MachineGrid.Runtime.Diagnostics;
using MachineGrid.Runtime.Hosting;
using Xunit;

namespace MachineGrid.Runtime.Tests;

/// <summary>Runs alone: the process's allocations must come from the test, or the process is never quiet.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuietProcessCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Quiet process";
}

public sealed class QuietSpellTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void A_quiet_spell_after_enough_allocation_calls_for_one_collection()
    {
        var spell = new QuietSpell(quietTickBytes: 256 * 1024, quietTicks: 3, minimumGarbage: 4 * MiB);
        Assert.Equal([false, false, false, false, true], Readings(spell, 0, 0, 8 * MiB, (8 * MiB) + 1000, (8 * MiB) + 2000, (8 * MiB) + 3000));

        spell.Collected((8 * MiB) + 3000, 1);
        Assert.DoesNotContain(true, Readings(spell, 1, [.. Enumerable.Range(4, 46).Select(tick => (8 * MiB) + (tick * 1000))]));
    }

    [Fact]
    public void A_busy_process_is_never_collected_and_a_busy_tick_starts_the_spell_again()
    {
        var spell = new QuietSpell(quietTickBytes: 256 * 1024, quietTicks: 3, minimumGarbage: 4 * MiB);
        for (var tick = 0; tick < 100; tick++)
        {
            Assert.False(spell.Observe(tick * MiB, tick / 10));
        }
        Assert.Equal([false, false, false, false, false, true], Readings(spell, 10, 100 * MiB, 100 * MiB, 105 * MiB, 105 * MiB, 105 * MiB, 105 * MiB));
    }

    [Fact]
    public void A_long_quiet_spell_collects_once_and_the_next_one_after_work_collects_again()
    {
        var spell = new QuietSpell(quietTickBytes: 256 * 1024, quietTicks: 3, minimumGarbage: 0);
        Assert.Equal([false, false, false, true], Readings(spell, 0, 0, 1000, 2000, 3000));

        spell.Collected(3000, 1);
        Assert.DoesNotContain(true, Readings(spell, 1, [.. Enumerable.Range(1, 99).Select(tick => 3000 + (tick * 100 * 1024L))]));
        Assert.Equal([false, false, false, true], Readings(spell, 1, 20 * MiB, 20 * MiB, 20 * MiB, 20 * MiB));
    }

    [Fact]
    public void A_spell_with_little_allocated_since_the_collector_last_ran_is_left_alone()
    {
        var spell = new QuietSpell(quietTickBytes: 256 * 1024, quietTicks: 3, minimumGarbage: 4 * MiB);
        Assert.Equal([false, false], Readings(spell, 0, 0, 8 * MiB));
        Assert.DoesNotContain(true, Readings(spell, 1, [.. Enumerable.Repeat(9 * MiB, 21)]));
        Assert.DoesNotContain(true, Readings(spell, 1, 12 * MiB, 12 * MiB, 12 * MiB, 12 * MiB));
        Assert.Equal([false, false, false, true], Readings(spell, 1, 14 * MiB, 14 * MiB, 14 * MiB, 14 * MiB));
    }

    /// <summary>What the spell says at each reading of <paramref name="allocated"/>, with <paramref name="collections"/> so far.</summary>
    private static bool[] Readings(QuietSpell spell, int collections, params long[] allocated) =>
        [.. allocated.Select(bytes => spell.Observe(bytes, collections))];
}

[Collection(QuietProcessCollection.Name)]
public sealed class QuietTimeCollectorTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task A_process_that_goes_quiet_after_allocating_is_collected_once()
    {
        using var collector = new QuietTimeCollector(TimeSpan.FromMilliseconds(200), reserve: 0);
        await FreshStart();
        var before = GC.CollectionCount(1);
        Garbage(2 * MiB);

        await Eventually.True(() => collector.Collections == 1, "the quiet process was collected");
        Assert.True(GC.CollectionCount(1) > before);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, collector.Collections);
    }

    [Fact]
    public async Task A_quiet_process_holds_a_reserve_renewed_at_each_quiet_spell_after_work_until_it_is_spent()
    {
        using var collector = new QuietTimeCollector(TimeSpan.FromMilliseconds(200), reserve: 64 * MiB);
        await FreshStart();
        Garbage(2 * MiB);
        await Eventually.True(() => collector.Collections == 1, "the quiet process was collected");
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        var collections = GC.CollectionCount(0);
        Garbage(32 * MiB);
        Assert.Equal(collections, GC.CollectionCount(0));
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        await Eventually.True(() => collector.Collections == 2, "the quiet spell after that work renewed the reserve");
        Assert.True(GC.CollectionCount(0) > collections);
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        collections = GC.CollectionCount(0);
        Garbage(40 * MiB);
        Assert.Equal(collections, GC.CollectionCount(0));

        Garbage(64 * MiB);
        Assert.True(GC.CollectionCount(0) > collections);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        await FreshStart();
        Garbage(2 * MiB);
        await Eventually.True(() => collector.Collections == 3, "the next quiet spell reserved again");
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public async Task A_silo_collects_when_quiet_unless_turned_off()
    {
        var quietCollections = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && instrument.Name == "machinegrid.gc.quiet_collections")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref quietCollections, value));
        listener.Start();

        await using (var on = await Testing.TestSilo.StartAsync(o => o.UseInMemoryStorage()))
        {
            await FreshStart();
            Garbage(2 * MiB);
            await Eventually.True(() => Interlocked.Read(ref quietCollections) == 1, "the quiet silo collected");
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        EndRegion();

        await using var off = await Testing.TestSilo.StartAsync(o =>
        {
            o.UseInMemoryStorage();
            o.QuietCollectionAfter = null;
        });
        Garbage(16 * MiB);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Interlocked.Read(ref quietCollections));
    }

    public void Dispose() => EndRegion();

    private static void EndRegion()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }

    /// <summary>
    /// Collects, and waits for the collector to read that: garbage made before its reading is not counted, and the
    /// garbage the test makes next then stays below the test host's own collection budget.
    /// </summary>
    private static Task FreshStart()
    {
        GC.Collect();
        return Task.Delay(QuietTimeCollector.Tick * 2);
    }

    private static void Garbage(int bytes)
    {
        for (var made = 0; made < bytes; made += 8192)
        {
            GC.KeepAlive(new byte[8192]);
        }
    }
}
