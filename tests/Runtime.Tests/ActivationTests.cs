using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task Concurrent_first_calls_to_a_key_are_served_by_exactly_one_activation()
    {
        await using var silo = await Silos.InMemory();
        var keys = Enumerable.Range(0, 10).Select(_ => Probe.NewKey("single")).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 100).SelectMany(_ => keys.Select(key => Task.Run(async () =>
        {
            await start.Task;
            return (key, id: await silo.GrainFactory.GetGrain<ICounterGrain>(key).ActivationId());
        }))).ToList();

        start.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1000, results.Length);
        foreach (var key in keys)
        {
            Assert.Single(results.Where(r => r.key == key).Select(r => r.id).Distinct());
            Assert.Equal(1, Probe.Count(key, "activate"));
        }
    }

    [Fact]
    public async Task A_failing_OnActivateAsync_reaches_the_caller_and_the_next_call_gets_a_new_activation()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<IFlakyActivationGrain>(Probe.NewKey("flaky"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Attempt());
        Assert.Equal("activation failed on purpose", error.Message);

        Assert.Equal(2, await grain.Attempt());
    }

    [Fact]
    public async Task Exceptions_reach_the_caller_with_their_type_and_message()
    {
        await using var silo = await Silos.InMemory();
        var grain = silo.GrainFactory.GetGrain<IChainGrain>(Probe.NewKey("fail"));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.Fail("bad amount"));

        Assert.Contains("bad amount", error.Message);
        var typed = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailSynchronously("no result"));
        Assert.Equal("no result", typed.Message);
        Assert.Equal("pong", await grain.Ping());
    }

    [Fact]
    public async Task DeactivateOnIdle_runs_OnDeactivateAsync_and_calls_queued_meanwhile_go_to_the_next_activation()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("deactivate");
        var grain = silo.GrainFactory.GetGrain<ISlowGrain>(key);
        var first = await grain.ActivationId();

        var deactivating = grain.DeactivateAfterGate();
        var queued = Enumerable.Range(0, 5).Select(_ => grain.ActivationId()).ToList();
        await grain.OpenGate();
        await deactivating;
        var later = await Task.WhenAll(queued);

        Assert.Equal(["deactivate:ApplicationRequested"], Probe.Of(key));
        Assert.All(later, id => Assert.NotEqual(first, id));
        Assert.Single(later.Distinct());
    }

    [Fact]
    public async Task Stored_state_is_loaded_before_OnActivateAsync()
    {
        var path = Silos.TempDatabase();
        await using var silo = await Silos.Sqlite(path);
        var key = Probe.NewKey("load");
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Add(42);
        var first = await grain.ActivationId();

        await grain.Deactivate();
        await Eventually.True(() => Probe.Count(key, "deactivate:ApplicationRequested") == 1, "the counter deactivated");

        Assert.NotEqual(first, await grain.ActivationId());
        Assert.Equal(42, await grain.ValueSeenOnActivate());
    }

    [Fact]
    public async Task Bad_keys_and_unknown_interfaces_give_clear_errors()
    {
        await using var silo = await Silos.InMemory();

        var empty = Assert.Throws<ArgumentException>(() => silo.GrainFactory.GetGrain<ICounterGrain>(""));
        Assert.Contains("counter", empty.Message);
        var tooLong = Assert.Throws<ArgumentException>(() => silo.GrainFactory.GetGrain<ICounterGrain>(new string('k', GrainId.MaxKeyLength + 1)));
        Assert.Contains("counter", tooLong.Message);
        var unknown = Assert.Throws<ArgumentException>(() => silo.GrainFactory.GetGrain<IUnimplementedGrain>("x"));
        Assert.Contains(nameof(IUnimplementedGrain), unknown.Message);
        Assert.Equal(0, silo.ActivationCount);
    }

    [Fact]
    public async Task Guid_keyed_grains_are_addressed_by_their_guid()
    {
        await using var silo = await Silos.InMemory();
        var key = Guid.NewGuid();

        var grain = silo.GrainFactory.GetGrain<IGuidGrain>(key);

        Assert.Equal(key, await grain.Key());
        Assert.Equal(new GrainId("guid", key.ToString("N")), grain.GetGrainId());
    }

    [Fact]
    public async Task A_one_way_call_returns_at_once_and_runs_in_turn()
    {
        await using var silo = await Silos.InMemory();
        var key = Probe.NewKey("oneway");
        var grain = silo.GrainFactory.GetGrain<IInterleaveGrain>(key);
        var blocked = grain.Block();
        // Always-interleave calls that arrive during activation run first, so Release must wait until Block holds the gate.
        await Eventually.True(() => Probe.Of(key).Contains("blocked"), "the blocking call started");

        var notify = grain.Notify("hello");

        Assert.True(notify.IsCompletedSuccessfully);
        await Task.Delay(50);
        Assert.Equal(["blocked"], Probe.Of(key));
        await grain.Release();
        await blocked;
        await Eventually.True(() => Probe.Of(key).Contains("notify:hello"), "the one-way call ran");
    }

    [Fact]
    public async Task Getting_a_reference_activates_nothing()
    {
        await using var silo = await Silos.InMemory();

        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("untouched");

        Assert.Equal(new GrainId("counter", "untouched"), grain.GetGrainId());
        Assert.Equal(0, silo.ActivationCount);
    }
}

public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task Nothing();
}

public interface IGuidGrain : IGrainWithGuidKey
{
    Task<Guid> Key();
}

public sealed class GuidGrain : Grain, IGuidGrain
{
    public Task<Guid> Key() => Task.FromResult(Guid.ParseExact(GetPrimaryKeyString(), "N"));
}
