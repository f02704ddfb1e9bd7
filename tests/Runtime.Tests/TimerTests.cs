using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class TimerTests
{
    [Fact]
    public async Task Ticks_never_overlap_and_the_period_counts_from_the_end_of_the_previous_tick()
    {
        await using var silo = await Silos.InMemory();
        var clock = silo.ManualClock;
        var grain = silo.GrainFactory.GetGrain<ITimerGrain>(Probe.NewKey("timer"));
        await grain.Start(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(async () => await grain.TicksStarted() == 1, "the first tick started");
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await grain.TicksStarted());

        await grain.ReleaseTick();
        var expectedDue = clock.GetUtcNow() + TimeSpan.FromSeconds(10);
        await Eventually.True(() => clock.DueTimes.Contains(expectedDue), "the next tick was scheduled 10 s after the first ended");
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, await grain.TicksStarted());
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(async () => await grain.TicksStarted() == 2, "the second tick started");

        Assert.Equal(1, await grain.MaxTicksInFlight());
        await grain.ReleaseTick();
    }

    [Fact]
    public async Task A_tick_waits_for_a_running_call_to_end()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<ITimerGrain>(Probe.NewKey("timer-turn"));
        await grain.Start(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        await grain.ReleaseTick();

        var holding = grain.Hold();
        silo.ManualClock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(50);
        Assert.Equal(0, await grain.TicksStarted());

        await grain.OpenHold();
        await holding;
        await Eventually.True(async () => await grain.TicksStarted() == 1, "the tick ran after the call ended");
    }

    [Fact]
    public async Task Timers_stop_when_the_activation_deactivates()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("timer-stop");
        var grain = silo.GrainFactory.GetGrain<ITimerGrain>(key);
        await grain.Start(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++)
        {
            await grain.ReleaseTick();
        }
        silo.ManualClock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => Probe.Count(key, "tick") == 1, "the timer ticked");

        await grain.Deactivate();
        await Eventually.True(() => Probe.Count(key, "deactivate:ApplicationRequested") == 1, "the grain deactivated");
        for (var i = 0; i < 10; i++)
        {
            silo.ManualClock.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(100);
        Assert.Equal(1, Probe.Count(key, "tick"));
        Assert.Equal(0, silo.ActivationCount);
    }
}
