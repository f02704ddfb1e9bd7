using Xunit;

namespace MachineGrid.Grains.Tests;

/// <summary>
/// The agent's long-poll, which waits in the machine's grain: it takes what is pending at once, is woken by the next
/// offer, returns empty when the wait passes with none, and never hands out a run twice. A deactivation waits for a
/// waiting call to end, which slices of at most 5 s bound.
/// Waits run on the cluster's fake clock, so a test ends one by advancing it; tests that do use a cluster of their own.
/// </summary>
[Collection(SharedGridB.Name)]
public sealed class WaitForAssignmentsTests(SharedGrid shared)
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Pending_offers_are_taken_at_once_oldest_first_and_at_most_max()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 3))[0];
        var runs = new[] { grid.Run(Grid.Single("alice")), grid.Run(Grid.Single("bob")), grid.Run(Grid.Single("carol")) };
        foreach (var run in runs)
        {
            await grid.Group(group).Enqueue(run);
        }
        await OfferedAsync(grid, machine, runs.Length);

        // Neither call waits: the clock of the shared cluster never moves, so a call that waited would not return.
        var first = await grid.Machine(machine).WaitForAssignments(2, LongPoll);
        var second = await grid.Machine(machine).WaitForAssignments(2, LongPoll);

        Assert.Equal([runs[0].RunId, runs[1].RunId], first.Select(a => a.RunId));
        Assert.Equal([runs[2].RunId], second.Select(a => a.RunId));
    }

    [Fact]
    public async Task A_waiting_call_is_woken_by_the_next_offer_and_returns_it()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var waiting = grid.Machine(machine).WaitForAssignments(1, LongPoll);
        await WaitingAsync(grid, machine, waiting);

        var run = grid.Run(Grid.Single("alice"));
        await grid.Group(group).Enqueue(run);

        Assert.Equal([run.RunId], (await waiting).Select(a => a.RunId));
    }

    [Fact]
    public async Task A_taken_assignment_is_not_returned_again_and_a_waiter_gets_only_the_next_offer()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 2))[0];
        var first = grid.Run(Grid.Single("alice"));
        await grid.Group(group).Enqueue(first);
        await OfferedAsync(grid, machine, 1);
        Assert.Equal([first.RunId], (await grid.Machine(machine).WaitForAssignments(5, LongPoll)).Select(a => a.RunId));

        Assert.Empty(await grid.Machine(machine).WaitForAssignments(5, TimeSpan.Zero));
        Assert.Empty(await grid.Machine(machine).TakeAssignments());
        var waiting = grid.Machine(machine).WaitForAssignments(5, LongPoll);
        await WaitingAsync(grid, machine, waiting);
        var second = grid.Run(Grid.Single("bob"));
        await grid.Group(group).Enqueue(second);

        Assert.Equal([second.RunId], (await waiting).Select(a => a.RunId));
        Assert.Empty(await grid.Machine(machine).WaitForAssignments(5, TimeSpan.Zero));
    }

    [Fact]
    public async Task Max_must_be_positive_and_the_wait_from_zero_to_5_seconds()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = grid.Machine((await grid.AddMachinesAsync(group, 1))[0]);

        var refused = new[]
        {
            await Assert.ThrowsAsync<DomainException>(() => machine.WaitForAssignments(0, TimeSpan.Zero)),
            await Assert.ThrowsAsync<DomainException>(() => machine.WaitForAssignments(-1, TimeSpan.Zero)),
            await Assert.ThrowsAsync<DomainException>(() => machine.WaitForAssignments(1, TimeSpan.FromTicks(-1))),
            await Assert.ThrowsAsync<DomainException>(() => machine.WaitForAssignments(1, LongPoll + TimeSpan.FromTicks(1))),
        };

        Assert.All(refused, e => Assert.Equal(DomainErrorCode.Validation, e.Code));
        Assert.Empty(await machine.WaitForAssignments(1, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_wait_with_no_offer_returns_empty_once_the_clock_passes_it()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var waiting = grid.Machine(machine).WaitForAssignments(1, TimeSpan.FromSeconds(5));
        await WaitingAsync(grid, machine, waiting);

        grid.Clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        await WaitingAsync(grid, machine, waiting);
        grid.Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Empty(await waiting);
        var run = grid.Run(Grid.Single("alice"));
        await grid.Group(group).Enqueue(run);
        await OfferedAsync(grid, machine, 1);
        Assert.Equal([run.RunId], (await grid.Machine(machine).WaitForAssignments(1, TimeSpan.Zero)).Select(a => a.RunId));
    }

    [Fact]
    public async Task A_machine_grain_deactivates_once_its_waiting_call_ends_at_the_longest_slice()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var waiting = grid.Machine(machine).WaitForAssignments(1, LongPoll);
        await WaitingAsync(grid, machine, waiting);

        // Orleans deactivates only after running calls end; the clock reaching the end of the slice ends the wait.
        await grid.Group(group).Get(grid.Owner);
        var deactivating = grid.Silo.Cluster.DeactivateAsync(grid.Machine(machine));
        grid.Clock.Advance(LongPoll);
        await deactivating;

        Assert.Empty(await waiting);
    }

    [Fact]
    public async Task A_machine_grain_that_reactivates_hands_out_again_the_runs_taken_and_not_started()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 2))[0];
        var started = grid.Run(Grid.Single("alice"));
        var notStarted = grid.Run(Grid.Single("bob"));
        await grid.Group(group).Enqueue(started);
        await grid.Group(group).Enqueue(notStarted);
        await OfferedAsync(grid, machine, 2);
        Assert.Equal([started.RunId, notStarted.RunId], (await grid.Machine(machine).WaitForAssignments(2, LongPoll)).Select(a => a.RunId));
        // What the machine's StartRun tells the group (these runs have no run grain): the activation rebuilds from it.
        await grid.Group(group).RunStarted(started.RunId, machine);

        await grid.Group(group).Get(grid.Owner);
        await grid.Silo.Cluster.DeactivateAsync(grid.Machine(machine));

        Assert.Equal([notStarted.RunId], (await grid.Machine(machine).WaitForAssignments(2, LongPoll)).Select(a => a.RunId));
        Assert.Empty(await grid.Machine(machine).WaitForAssignments(2, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_run_without_a_record_is_dropped_when_its_start_is_reported_and_its_session_goes_to_the_next_run()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        // Runs without a record, as when the silo that took a submission died after the group stored it, before the run.
        var lost = grid.Run(Grid.Single("alice"));
        var next = grid.Run(Grid.Single("bob"));
        await grid.Group(group).Enqueue(lost);
        await grid.Group(group).Enqueue(next);
        await OfferedAsync(grid, machine, 1);
        Assert.Equal([lost.RunId], (await grid.Machine(machine).WaitForAssignments(1, LongPoll)).Select(a => a.RunId));

        var refused = await Assert.ThrowsAsync<DomainException>(() => grid.Machine(machine).StartRun(lost.RunId));

        Assert.Equal(DomainErrorCode.NotFound, refused.Code);
        Assert.Equal([next.RunId], (await grid.Group(group).RunsOn(machine)).Select(r => r.Assignment.RunId));
        Assert.Equal(0, (await grid.Group(group).Get(grid.Owner)).QueuedCount);
        // Its row went too: the group, read back from storage, no longer holds it.
        await grid.Silo.Cluster.DeactivateAsync(grid.Group(group));
        Assert.Equal([next.RunId], (await grid.Group(group).RunsOn(machine)).Select(r => r.Assignment.RunId));
        Assert.Equal(0, (await grid.Group(group).Get(grid.Owner)).QueuedCount);
    }

    /// <summary>Waits until <paramref name="count"/> runs are placed on the machine (offers are one-way calls from the group).</summary>
    private static Task OfferedAsync(Grid grid, string machine, int count) =>
        Eventually.True(async () => (await grid.Machine(machine).RunsIn(RunStatus.Assigned)).Count == count, $"{count} runs were offered to {machine}");

    /// <summary>
    /// Checks the call still waits once a later call to the machine has been answered: the grain runs its calls' turns
    /// in the order they came, so the waiting call has reached its wait by then.
    /// </summary>
    private static async Task WaitingAsync(Grid grid, string machine, Task<IReadOnlyList<Assignment>> waiting)
    {
        await grid.Machine(machine).RunsIn(null);
        Assert.False(waiting.IsCompleted, "the call is still waiting");
    }
}
