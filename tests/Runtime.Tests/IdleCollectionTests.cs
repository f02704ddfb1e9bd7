using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task Idle_activations_are_collected_after_their_age_and_busy_ones_are_not()
    {
        await using var silo = await Silos.InMemory(o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(10);
            o.CollectionQuantum = TimeSpan.FromMinutes(1);
        });
        var shortKey = Probe.NewKey("short");
        var idleKey = Probe.NewKey("idle");
        var busyKey = Probe.NewKey("busy");
        var shortLived = silo.GrainFactory.GetGrain<IShortLivedGrain>(shortKey);
        var idle = silo.GrainFactory.GetGrain<ILongLivedGrain>(idleKey);
        var busy = silo.GrainFactory.GetGrain<ILongLivedGrain>(busyKey);
        await Task.WhenAll(shortLived.Touch(), idle.Touch(), busy.Touch());

        await Minutes(silo, busy, 4);
        await Eventually.True(() => Probe.Count(shortKey, "deactivate:IdleCollection") == 1, "the 2-minute grain was collected");
        Assert.Empty(Probe.Of(idleKey));

        await Minutes(silo, busy, 5);
        Assert.Empty(Probe.Of(idleKey));

        await Minutes(silo, busy, 3);
        await Eventually.True(() => Probe.Count(idleKey, "deactivate:IdleCollection") == 1, "the idle grain was collected after 10 minutes");
        Assert.Empty(Probe.Of(busyKey));
        Assert.Equal(1, silo.ActivationCount);
    }

    private static async Task Minutes(Testing.TestSilo silo, ILongLivedGrain busy, int count)
    {
        for (var i = 0; i < count; i++)
        {
            silo.ManualClock.Advance(TimeSpan.FromMinutes(1));
            await busy.Touch();
        }
    }
}
