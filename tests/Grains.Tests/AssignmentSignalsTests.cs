using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Grains.Tests;

/// <summary>
/// The long-poll's signal: it skips looking for assignments only when the machine's grain, in this process, said that
/// nothing waits, and it never misses an offer.
/// </summary>
[Collection(SharedGridB.Name)]
public sealed class AssignmentSignalsTests(SharedGrid shared)
{
    [Fact]
    public void A_machine_nothing_was_reported_for_is_looked_at_and_its_waiters_wait()
    {
        var signals = new AssignmentSignals();

        var signal = signals.Subscribe("m-1");

        Assert.True(signal.MayHaveOffers);
        Assert.False(signal.Offered.IsCompleted);
    }

    [Fact]
    public void An_idle_machine_is_not_looked_at_until_an_offer_which_wakes_its_waiters()
    {
        var signals = new AssignmentSignals();
        signals.Idle("m-1");
        var idle = signals.Subscribe("m-1");
        var other = signals.Subscribe("m-2");

        signals.Notify("m-1");

        Assert.False(idle.MayHaveOffers);
        Assert.True(idle.Offered.IsCompletedSuccessfully);
        Assert.False(other.Offered.IsCompleted);
        Assert.True(signals.Subscribe("m-1").MayHaveOffers);
    }

    [Fact]
    public void Forgetting_a_machine_wakes_its_waiters_and_has_it_looked_at_again()
    {
        var signals = new AssignmentSignals();
        signals.Idle("m-1");
        var waiting = signals.Subscribe("m-1");

        signals.Forget("m-1");

        Assert.True(waiting.Offered.IsCompletedSuccessfully);
        var next = signals.Subscribe("m-1");
        Assert.True(next.MayHaveOffers);
        Assert.False(next.Offered.IsCompleted);
    }

    [Fact]
    public async Task Taking_the_last_offer_makes_the_machine_idle_and_the_next_run_placed_on_it_wakes_its_waiter()
    {
        var grid = shared.NewGrid();
        var signals = grid.Silo.Services.GetRequiredService<AssignmentSignals>();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 2))[0];
        var first = grid.Run(Grid.Single("alice"));
        await grid.Group(group).Enqueue(first);
        Assert.True(signals.Subscribe(machine).MayHaveOffers);

        Assert.Equal([first.RunId], (await grid.Machine(machine).TakeAssignments(1)).Select(a => a.RunId));
        var waiting = signals.Subscribe(machine);
        Assert.False(waiting.MayHaveOffers);
        Assert.False(waiting.Offered.IsCompleted);

        var second = grid.Run(Grid.Single("bob"));
        await grid.Group(group).Enqueue(second);

        await waiting.Offered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(signals.Subscribe(machine).MayHaveOffers);
        Assert.Equal([second.RunId], (await grid.Machine(machine).TakeAssignments(1)).Select(a => a.RunId));
        Assert.False(signals.Subscribe(machine).MayHaveOffers);
    }

    [Fact]
    public async Task A_machine_grain_that_deactivates_wakes_its_waiters_and_is_looked_at_again()
    {
        await using var fleet = await OneMachineFleet.StartAsync(Actors.Owner());
        var (grid, group, machine) = (fleet.Grid, fleet.Group, fleet.Machine);
        var signals = grid.Silo.Services.GetRequiredService<AssignmentSignals>();
        Assert.Empty(await grid.Machine(machine).TakeAssignments(1));
        var waiting = signals.Subscribe(machine);
        Assert.False(waiting.MayHaveOffers);

        // Orleans collects idle activations on real time, so the test deactivates the machine grain as idle collection
        // would; the group stays active meanwhile.
        await grid.Group(group).Get(grid.Owner);
        await grid.Silo.Cluster.DeactivateAsync(grid.Machine(machine));

        await waiting.Offered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(signals.Subscribe(machine).MayHaveOffers);
    }
}
