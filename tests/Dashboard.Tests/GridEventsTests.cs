using MachineGrid.Gateway;
using MachineGrid.Grains;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>The grains' change marks: coalesced, bounded, and kept only while someone listens.</summary>
public sealed class GridEventsTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_burst_of_ten_thousand_run_changes_becomes_one_mark_per_group()
    {
        var events = new GridEvents();
        var broadcaster = new EventBroadcaster(events);
        using var first = broadcaster.Subscribe();
        using var second = broadcaster.Subscribe();

        Parallel.For(0, 10_000, i =>
        {
            var group = i % 2 == 0 ? "g-even" : "g-odd";
            events.RunChanged(group, RunStatus.Queued, Run($"r-{i}", RunStatus.Assigned, assignedAfter: TimeSpan.FromMilliseconds(i % 7)));
            events.GroupChanged(group);
        });

        var taken = first.Take();
        Assert.Equal(["g-even", "g-odd"], taken.Groups.Order());
        Assert.Equal(["g-even", "g-odd"], taken.RunQueues.Order());
        Assert.False(taken.Overflow);
        // The other stream gets the same marks once, and nothing is left for a second look.
        Assert.Equal(2, second.Take().Groups.Count);
        Assert.True(first.Take().IsEmpty);
        var activity = events.Activity();
        Assert.Equal(10_000, activity.Assigned);
        Assert.Equal(TimeSpan.FromMilliseconds(6), activity.MaxAssignmentLatency);
    }

    [Fact]
    public void Nothing_is_marked_while_nobody_listens_but_transitions_are_still_counted()
    {
        var events = new GridEvents();
        var broadcaster = new EventBroadcaster(events);

        events.GroupChanged("g-1");
        events.MachineChanged("m-1");
        events.RunChanged("g-1", null, Run("r-1", RunStatus.Queued));
        events.RunChanged("g-1", RunStatus.Running, Run("r-1", RunStatus.Succeeded));
        using var subscription = broadcaster.Subscribe();

        Assert.True(subscription.Take().IsEmpty);
        Assert.Equal(1, events.Activity().Submitted);
        Assert.Equal(1, events.Activity().Ended);
    }

    [Fact]
    public void A_stream_that_falls_behind_keeps_a_bounded_set_and_says_it_overflowed()
    {
        var events = new GridEvents();
        var broadcaster = new EventBroadcaster(events);
        using var subscription = broadcaster.Subscribe();

        for (var i = 0; i < EventSubscription.MaxIds * 3; i++)
        {
            events.MachineChanged($"m-{i}");
            if (i % 500 == 0)
            {
                broadcaster.Pump();
            }
        }

        var taken = subscription.Take();
        Assert.Equal(EventSubscription.MaxIds, taken.Machines.Count);
        Assert.True(taken.Overflow);
        Assert.True(subscription.Take().IsEmpty);
    }

    private static RunView Run(string id, RunStatus status, TimeSpan? assignedAfter = null) => new(
        id, status, "", "flow", RunMode.Unattended, "g-1", null, null, RunPriority.Normal, Enqueued,
        assignedAfter is { } after ? Enqueued + after : null, null, null, 0, 1, null, null);
}
