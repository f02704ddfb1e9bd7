using MachineGrid.Runtime.Testing;
using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class ReminderTests
{
    [Fact]
    public async Task Reminders_can_be_registered_listed_updated_and_unregistered()
    {
        await using var silo = await Silos.Sqlite(Silos.TempDatabase());
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(Probe.NewKey("list"));

        await grain.Register("a", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        await grain.Register("b", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        await grain.Register("a", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));
        var listed = await grain.List();

        Assert.Equal(["a", "b"], listed.Select(r => r.Name).Order());
        var a = listed.Single(r => r.Name == "a");
        Assert.Equal(TimeSpan.FromMinutes(10), a.Period);
        Assert.Equal(silo.Clock.GetUtcNow() + TimeSpan.FromMinutes(2), a.StartAt);

        await grain.Unregister("a");
        Assert.Equal(["b"], (await grain.List()).Select(r => r.Name));
    }

    [Fact]
    public async Task A_periodic_reminder_ticks_each_period_and_stops_when_unregistered()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("periodic");
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.Register("p", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        for (var i = 1; i <= 3; i++)
        {
            silo.ManualClock.Advance(TimeSpan.FromMinutes(1));
            await Eventually.True(() => Probe.Count(key, "reminder:p") == i, $"tick {i} arrived");
        }
        await grain.Unregister("p");
        silo.ManualClock.Advance(TimeSpan.FromMinutes(5));

        await Task.Delay(100);
        Assert.Equal(3, Probe.Count(key, "reminder:p"));
    }

    [Fact]
    public async Task A_reminder_tick_reactivates_a_collected_grain()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("reactivate");
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.Register("wake", TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        await grain.Deactivate();
        await Eventually.True(() => silo.ActivationCount == 0, "the grain deactivated");

        silo.ManualClock.Advance(TimeSpan.FromMinutes(1));

        await Eventually.True(() => Probe.Count(key, "reminder:wake") == 1, "the reminder arrived");
        Assert.Equal(1, silo.ActivationCount);
    }

    [Fact]
    public async Task A_one_shot_reminder_fires_once_and_is_removed()
    {
        await using var silo = await Silos.Sqlite(Silos.TempDatabase());
        var key = Probe.NewKey("once");
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.RegisterOneShot("once", silo.Clock.GetUtcNow() + TimeSpan.FromMinutes(3));

        silo.ManualClock.Advance(TimeSpan.FromMinutes(3));
        await Eventually.True(() => Probe.Count(key, "reminder:once") == 1, "the reminder fired");
        await Eventually.True(async () => (await grain.List()).Count == 0, "the reminder was removed");
        silo.ManualClock.Advance(TimeSpan.FromHours(1));

        await Task.Delay(100);
        Assert.Equal(1, Probe.Count(key, "reminder:once"));
    }

    [Fact]
    public async Task A_reminder_due_while_the_silo_was_down_fires_after_restart_on_sqlite()
    {
        var path = Silos.TempDatabase();
        await AssertSurvivesRestart(clock => Silos.Sqlite(path, clock: clock));
    }

    internal static async Task AssertSurvivesRestart(Func<ManualTimeProvider, Task<TestSilo>> start)
    {
        var clock = new ManualTimeProvider();
        var periodicKey = Probe.NewKey("restart-periodic");
        var onceKey = Probe.NewKey("restart-once");
        await using (var silo = await start(clock))
        {
            await silo.GrainFactory.GetGrain<IReminderGrain>(periodicKey).Register("p", TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
            await silo.GrainFactory.GetGrain<IReminderGrain>(onceKey).RegisterOneShot("o", clock.GetUtcNow() + TimeSpan.FromMinutes(10));
        }

        var later = new ManualTimeProvider(clock.GetUtcNow() + TimeSpan.FromMinutes(30));
        await using var restarted = await start(later);

        await Eventually.True(() => Probe.Count(periodicKey, "reminder:p") == 1, "the overdue periodic reminder fired after restart");
        await Eventually.True(() => Probe.Count(onceKey, "reminder:o") == 1, "the overdue one-shot reminder fired after restart");
        var nextTick = clock.GetUtcNow() + TimeSpan.FromMinutes(70);
        await Eventually.True(() => later.DueTimes.Contains(nextTick), "the next periodic tick was scheduled on the reminder's own period");
        later.Advance(TimeSpan.FromMinutes(40));
        await Eventually.True(() => Probe.Count(periodicKey, "reminder:p") == 2, "the next periodic tick fired on schedule");
        await Eventually.True(async () => (await restarted.GrainFactory.GetGrain<IReminderGrain>(onceKey).List()).Count == 0, "the one-shot reminder was removed");
    }
}
