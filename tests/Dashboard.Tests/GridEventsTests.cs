using MachineGrid.Gateway;
using MachineGrid.Grains;
using MachineGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>
/// The grains' change marks: coalesced and kept only while someone listens (<see cref="GridEvents"/> alone), then
/// carried by the silo's pump through the hub grain to every gateway's <see cref="EventBroadcaster"/>, where each
/// stream gets them once and one that falls behind keeps a bounded set.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class GridEventsTests(DashboardSite site)
{
    private static readonly DateTimeOffset Enqueued = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_burst_of_ten_thousand_run_changes_becomes_one_mark_per_group()
    {
        var events = new GridEvents();
        using var listening = events.Listen();

        Parallel.For(0, 10_000, i =>
        {
            var group = i % 2 == 0 ? "g-even" : "g-odd";
            events.RunChanged(group, RunStatus.Queued, Run($"r-{i}", RunStatus.Assigned, assignedAfter: TimeSpan.FromMilliseconds(i % 7)));
            events.GroupChanged(group);
        });

        var drained = events.Drain();
        Assert.Equal(["g-even", "g-odd"], drained.Groups.Order());
        Assert.Equal(["g-even", "g-odd"], drained.RunQueues.Order());
        Assert.Empty(drained.Machines);
        // Nothing is left for a second look.
        Assert.True(events.Drain().IsEmpty);
        var activity = events.Activity();
        Assert.Equal(10_000, activity.Assigned);
        Assert.Equal(0, activity.Submitted);
        Assert.Equal(TimeSpan.FromTicks(Enumerable.Range(0, 10_000).Sum(i => TimeSpan.FromMilliseconds(i % 7).Ticks)), activity.AssignmentLatency);
        Assert.Equal(TimeSpan.FromMilliseconds(6), activity.MaxAssignmentLatency);
        // The longest latency is per reading; the totals are not.
        Assert.Equal(TimeSpan.Zero, events.Activity().MaxAssignmentLatency);
        Assert.Equal(10_000, events.Activity().Assigned);
    }

    [Fact]
    public void Nothing_is_marked_while_nobody_listens_but_transitions_are_still_counted()
    {
        var events = new GridEvents();

        Assert.False(events.Listening);
        events.GroupChanged("g-1");
        events.MachineChanged("m-1");
        events.RunChanged("g-1", null, Run("r-1", RunStatus.Queued));
        events.RunChanged("g-1", RunStatus.Queued, Run("r-1", RunStatus.Running));
        events.RunChanged("g-1", RunStatus.Running, Run("r-1", RunStatus.Succeeded));
        // A change that is not a transition is not counted again.
        events.RunChanged("g-1", RunStatus.Succeeded, Run("r-1", RunStatus.Succeeded));
        using var listening = events.Listen();

        Assert.True(events.Listening);
        Assert.True(events.Drain().IsEmpty);
        var activity = events.Activity();
        Assert.Equal(1, activity.Submitted);
        Assert.Equal(1, activity.Started);
        Assert.Equal(1, activity.Ended);
    }

    [Fact]
    public void Marks_not_yet_drained_are_dropped_when_the_last_listener_leaves()
    {
        var events = new GridEvents();
        var first = events.Listen();
        var second = events.Listen();
        events.MachineChanged("m-1");

        second.Dispose();
        second.Dispose();
        Assert.True(events.Listening);
        events.GroupChanged("g-1");
        first.Dispose();
        Assert.False(events.Listening);

        using var again = events.Listen();
        Assert.True(events.Drain().IsEmpty);
        events.MachineChanged("m-2");
        Assert.Equal(["m-2"], events.Drain().Machines);
    }

    [Fact]
    public async Task Every_gateway_and_every_stream_gets_the_silos_marks_once_and_one_that_falls_behind_keeps_a_bounded_set()
    {
        // Two broadcasters are two gateways reading the one hub; the silo's real GridEvents and pump feed it.
        var grains = site.Services.GetRequiredService<IGrainFactory>();
        var events = site.Services.GetRequiredService<GridEvents>();
        var gatewayA = new EventBroadcaster(grains);
        var gatewayB = new EventBroadcaster(grains);
        using var behind = gatewayA.Subscribe();
        using var keepingUp = gatewayA.Subscribe();
        using var otherGateway = gatewayB.Subscribe();
        // A stream's first look registers its gateway with the hub (the stream says "ready" only after it).
        await keepingUp.TakeAsync();
        await otherGateway.TakeAsync();
        await behind.TakeAsync();

        // Fewer than a stream keeps between two looks: every stream must get each of them, once.
        var prefix = $"m-{Guid.NewGuid():N}-";
        var marker = Mark(events, prefix, EventSubscription.MaxIds / 2);
        var seenByA = new HashSet<string>();
        var seenByB = new HashSet<string>();
        await Eventually.True(async () => Seen(await keepingUp.TakeAsync(), prefix, seenByA, marker), "the first gateway's stream sees the marker");
        await Eventually.True(async () => Seen(await otherGateway.TakeAsync(), prefix, seenByB, marker), "the other gateway's stream sees the marker");
        Assert.Equal(EventSubscription.MaxIds / 2, seenByA.Count(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(EventSubscription.MaxIds / 2, seenByB.Count(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        var afterwards = await keepingUp.TakeAsync();
        Assert.DoesNotContain(afterwards.Machines, id => id.StartsWith(prefix, StringComparison.Ordinal));

        // Three times what a stream keeps: the stream that has not looked since keeps a bounded set and says it overflowed.
        var flood = $"m-{Guid.NewGuid():N}-";
        var floodMarker = Mark(events, flood, EventSubscription.MaxIds * 3);
        await Eventually.True(async () => (await keepingUp.TakeAsync()).Groups.Contains(floodMarker), "the stream that keeps up sees the flood's marker");
        var taken = await behind.TakeAsync();
        Assert.True(taken.Overflow);
        Assert.Equal(EventSubscription.MaxIds, taken.Machines.Count);
        Assert.Contains(marker, taken.Groups);
        Assert.Contains(floodMarker, taken.Groups);
        var next = await behind.TakeAsync();
        Assert.False(next.Overflow);
        Assert.DoesNotContain(next.Machines, id => id.StartsWith(flood, StringComparison.Ordinal));
        Assert.DoesNotContain(floodMarker, next.Groups);
    }

    [Fact]
    public async Task The_hub_adds_up_the_silos_run_counters()
    {
        var hub = site.Services.GetRequiredService<IGrainFactory>().GetGrain<IGridEventsHubGrain>("environment");
        var (maker, _, _) = await site.NewUserAsync("counted", Client.EnvironmentRole.EnvironmentMaker);
        var fleet = await site.NewFleetAsync(maker, machines: 1);
        var before = (await hub.Activity()).Submitted;

        await fleet.SubmitAsync(maker, 3);

        await Eventually.True(async () => (await hub.Activity()).Submitted >= before + 3, "the hub counts the three submitted runs");
    }

    /// <summary>Marks <paramref name="count"/> machines, then a group: a look that shows the group was handed every machine.</summary>
    private static string Mark(GridEvents events, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            events.MachineChanged(prefix + i);
        }
        var marker = $"g-{Guid.NewGuid():N}";
        events.GroupChanged(marker);
        return marker;
    }

    /// <summary>Adds the look's machines named with <paramref name="prefix"/> to <paramref name="seen"/>; true once it shows the marker.</summary>
    private static bool Seen(PendingChanges changes, string prefix, HashSet<string> seen, string marker)
    {
        Assert.False(changes.Overflow);
        foreach (var machine in changes.Machines.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)))
        {
            Assert.True(seen.Add(machine), $"{machine} was handed to the stream twice");
        }
        return changes.Groups.Contains(marker);
    }

    private static RunView Run(string id, RunStatus status, TimeSpan? assignedAfter = null) => new(
        id, status, "", "flow", RunMode.Unattended, "g-1", null, null, RunPriority.Normal, Enqueued,
        assignedAfter is { } after ? Enqueued + after : null, null, null, 0, 1, null, null);
}
