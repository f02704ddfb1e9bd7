using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class DeadlockTests
{
    [Fact]
    public async Task A_self_call_on_a_non_reentrant_grain_fails_fast_naming_the_chain()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("self");

        var error = await Assert.ThrowsAsync<DeadlockException>(() => silo.GrainFactory.GetGrain<IChainGrain>(key).CallSelf());

        Assert.Equal([new GrainId("chain", key), new GrainId("chain", key)], error.Chain);
        Assert.Contains("IChainCalls.Ping", error.Message);
    }

    [Fact]
    public async Task A_to_B_to_A_on_non_reentrant_grains_fails_fast_naming_the_chain()
    {
        await using var silo = await Silos.InMemory();
        var a = Probe.NewKey("a");
        var b = Probe.NewKey("b");

        var error = await Assert.ThrowsAsync<DeadlockException>(() => silo.GrainFactory.GetGrain<IChainGrain>(a).CallAround(b));

        Assert.Equal([new GrainId("chain", a), new GrainId("chain", b), new GrainId("chain", a)], error.Chain);
        Assert.Contains($"chain/{a} -> chain/{b} -> chain/{a}", error.Message);
    }

    [Fact]
    public async Task The_same_calls_on_reentrant_grains_succeed()
    {
        await using var silo = await Silos.InMemory();
        var a = Probe.NewKey("a");
        var b = Probe.NewKey("b");

        Assert.Equal("pong", await silo.GrainFactory.GetGrain<IReentrantChainGrain>(a).CallSelf());
        Assert.Equal($"pong via {b}", await silo.GrainFactory.GetGrain<IReentrantChainGrain>(a).CallAround(b));
    }

    [Fact]
    public async Task After_a_deadlock_the_grains_keep_serving()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<IChainGrain>(Probe.NewKey("after"));

        await Assert.ThrowsAsync<DeadlockException>(() => grain.CallSelf());

        Assert.Equal("pong", await grain.Ping());
    }
}
