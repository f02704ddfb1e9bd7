using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task A_non_reentrant_grain_never_has_two_calls_in_flight()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<ITurnProbeGrain>(Probe.NewKey("turns"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => grain.Work(5))));

        Assert.Equal(1, await grain.MaxInFlight());
        Assert.Equal(1, await grain.MaxInParallel());
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_at_awaits_but_never_runs_two_calls_in_parallel()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<IReentrantProbeGrain>(Probe.NewKey("reentrant"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => grain.Work(20))));

        Assert.True(await grain.MaxInFlight() > 1, "calls should interleave at their awaits");
        Assert.Equal(1, await grain.MaxInParallel());
    }

    [Fact]
    public async Task An_always_interleave_call_passes_a_blocked_call()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("interleave");
        var grain = silo.GrainFactory.GetGrain<IInterleaveGrain>(key);

        var blocked = grain.Block();
        await Eventually.True(() => Probe.Of(key).Contains("blocked"), "the blocking call started");
        var queued = grain.Ping();
        Assert.Equal("interleaved pong", await grain.InterleavedPing());
        Assert.False(blocked.IsCompleted);
        Assert.False(queued.IsCompleted);

        await grain.Release();
        await blocked;
        Assert.Equal("pong", await queued);
    }

    [Fact]
    public async Task Read_only_calls_interleave_with_each_other_but_not_with_writers()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("readonly");
        var grain = silo.GrainFactory.GetGrain<IInterleaveGrain>(key);

        var reading = grain.ReadBlock();
        await Eventually.True(() => Probe.Of(key).Contains("read-blocked"), "the blocking read started");
        Assert.Equal("read pong", await grain.ReadPing());
        var writer = grain.Ping();
        await Task.Delay(50);
        Assert.False(writer.IsCompleted);

        await grain.Release();
        await reading;
        Assert.Equal("pong", await writer);
    }

    [Fact]
    public async Task A_call_longer_than_the_response_timeout_gives_the_caller_a_TimeoutException()
    {
        await using var silo = await Silos.InMemory(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        var grain = silo.GrainFactory.GetGrain<ISlowGrain>(Probe.NewKey("slow"));
        await grain.ActivationId();

        var hanging = grain.Hang();
        var queuedBehind = grain.ActivationId();
        silo.ManualClock.Advance(TimeSpan.FromSeconds(6));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => hanging);
        Assert.Contains("ISlowGrain.Hang", error.Message);
        Assert.Contains("slow/", error.Message);
        await Assert.ThrowsAsync<TimeoutException>(() => queuedBehind);
        await grain.OpenGate();
        Assert.NotEqual(Guid.Empty, await grain.ActivationId());
    }

    [Fact]
    public async Task What_a_grain_sets_in_its_execution_context_during_a_call_run_on_the_callers_thread_stays_out_of_the_callers_context()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<IAmbientGrain>(Probe.NewKey("ambient"));
        await grain.Read();
        // Once its activation's work is done, an idle grain runs a call that completes synchronously on the caller's
        // own thread. (Should it still be busy, the call is queued and the assertion holds all the same.)
        await Task.Delay(100);
        Ambient.Value = "caller";

        await grain.Set("grain");

        Assert.Equal("caller", Ambient.Value);
    }

    [Fact]
    public async Task What_a_grain_sets_in_its_execution_context_during_one_queued_call_does_not_reach_the_next()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<IAmbientGrain>(Probe.NewKey("ambient"));
        await grain.Read();
        var holding = grain.Hold();
        var set = grain.Set("first call");
        var read = grain.Read();

        await grain.Release();
        await Task.WhenAll(holding, set);

        Assert.Null(await read);
    }
}
