using Xunit;

namespace MachineGrid.Grains.Tests;

/// <summary>The scheduler on its own: runs queued straight into a group with a credential plan.</summary>
[Collection(SharedGridB.Name)]
public sealed class SchedulerTests(SharedGrid shared)
{
    [Fact]
    public async Task A_run_the_group_just_let_go_is_not_queued_again_and_its_ended_placement_is_still_told()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var placed = grid.Run(Grid.Single("alice"));
        var queued = grid.Run(Grid.Single("bob"));
        await grid.Group(group).Enqueue(placed);
        await grid.Group(group).Enqueue(queued);
        await grid.Group(group).RunStarted(placed.RunId, machine);

        // What a run activated by the news of its end does: ask where it is placed, else enqueue itself again.
        await grid.Group(group).Remove(queued.RunId);
        await grid.Group(group).RunEnded(placed.RunId);
        var endedPlacement = await grid.Group(group).PlacementOf(placed.RunId);
        await grid.Group(group).Enqueue(placed);
        await grid.Group(group).Enqueue(queued);

        Assert.Equal((machine, "alice", 1), (endedPlacement?.MachineId, endedPlacement?.Credential.Username, endedPlacement?.Attempts));
        Assert.NotNull(endedPlacement?.StartedAt);
        Assert.Null(await grid.Group(group).PlacementOf(queued.RunId));
        Assert.Empty(await grid.Group(group).GetQueue(grid.Owner));
        Assert.Equal((0, 0), ((await grid.Group(group).Get(grid.Owner)).RunningCount, (await grid.Group(group).Get(grid.Owner)).QueuedCount));
    }

    [Fact]
    public async Task Runs_are_assigned_by_priority_then_enqueue_time_and_move_to_top_goes_first()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var busy = grid.Run(Grid.Single("alice"));
        await grid.Group(group).Enqueue(busy);
        var low = grid.Run(Grid.Single("bob"), RunPriority.Low);
        var normal1 = grid.Run(Grid.Single("bob"));
        var high = grid.Run(Grid.Single("bob"), RunPriority.High);
        var normal2 = grid.Run(Grid.Single("bob"));
        foreach (var run in new[] { low, normal1, high, normal2 })
        {
            await grid.Group(group).Enqueue(run);
        }
        await grid.Group(group).MoveToTop(normal2.RunId);

        var queue = await grid.Group(group).GetQueue(grid.Owner);

        Assert.Equal([normal2.RunId, high.RunId, normal1.RunId, low.RunId], queue.Select(q => q.RunId));
        Assert.Equal([1, 2, 3, 4], queue.Select(q => q.Position));
        Assert.Equal([busy.RunId], (await grid.Machine(machine).TakeAssignments()).Select(a => a.RunId));
    }

    [Fact]
    public async Task A_run_that_cannot_be_placed_never_blocks_a_later_run_that_can()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var attended = grid.Run(Grid.Single("carol"), RunPriority.High, RunMode.Attended);
        var unattended = grid.Run(Grid.Single("dave"), RunPriority.Low);

        await grid.Group(group).Enqueue(attended);
        await grid.Group(group).Enqueue(unattended);

        Assert.Equal([unattended.RunId], (await grid.Machine(machine).TakeAssignments()).Select(a => a.RunId));
        var waiting = Assert.Single(await grid.Group(group).GetQueue(grid.Owner));
        Assert.Equal(attended.RunId, waiting.RunId);
        Assert.Contains("session for user carol", waiting.WaitReason);
    }

    [Fact]
    public async Task An_attended_run_waits_for_its_users_session()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var run = grid.Run(Grid.Single("erin"), mode: RunMode.Attended);

        await grid.Group(group).Enqueue(run);
        Assert.Empty(await grid.Machine(machine).TakeAssignments());

        await grid.HeartbeatAsync(machine, "erin");

        var assignment = Assert.Single(await grid.Machine(machine).TakeAssignments());
        Assert.Equal(run.RunId, assignment.RunId);
        Assert.Equal("erin", assignment.Username);
    }

    [Fact]
    public async Task An_unattended_run_does_not_go_where_its_user_is_already_signed_in()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 2, MachineKind.Server, 4);
        await grid.HeartbeatAsync(machines[0], "frank");

        await grid.Group(group).Enqueue(grid.Run(Grid.Single("frank")));

        Assert.Empty(await grid.Machine(machines[0]).TakeAssignments());
        Assert.Single(await grid.Machine(machines[1]).TakeAssignments());
    }

    [Fact]
    public async Task A_server_with_3_mapped_credentials_runs_3_unattended_runs_at_once_each_under_a_different_account()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var server = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, 3))[0];
        var options = new[] { "u1", "u2", "u3" }.Select(u => new CredentialOption($"cred-{u}", u, u)).ToList();
        var plan = new CredentialPlan("map-1", null, new Dictionary<string, IReadOnlyList<CredentialOption>> { [server] = options });

        for (var i = 0; i < 4; i++)
        {
            await grid.Group(group).Enqueue(grid.Run(plan));
        }

        var assignments = await grid.Machine(server).TakeAssignments();
        Assert.Equal(3, assignments.Count);
        Assert.Equal(["u1", "u2", "u3"], assignments.Select(a => a.Username).Order());
        var view = await grid.Group(group).Get(grid.Owner);
        Assert.Equal((3, 1), (view.RunningCount, view.QueuedCount));
        Assert.Equal(3, (await grid.Machine(server).Get(grid.Owner)).Sessions.Count);
    }

    [Fact]
    public async Task Wait_reasons_say_why_from_the_actual_state()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 3);

        await grid.Group(group).Enqueue(grid.Run(Grid.Single("a")));
        await grid.Group(group).Enqueue(grid.Run(Grid.Single("b")));
        await grid.Group(group).Enqueue(grid.Run(Grid.Single("c")));
        var extra = grid.Run(Grid.Single("d"));
        await grid.Group(group).Enqueue(extra);
        Assert.Equal("All 3 machines are busy.", (await grid.Group(group).GetQueue(grid.Owner)).Single().WaitReason);

        await grid.Machine(machines[0]).Update(grid.Owner, new UpdateMachine(null, true, null));
        var attended = grid.Run(Grid.Single("zoe"), mode: RunMode.Attended);
        await grid.Group(group).Enqueue(attended);
        var reason = (await grid.Group(group).GetQueue(grid.Owner)).Single(q => q.RunId == attended.RunId).WaitReason;
        Assert.Equal("No machine can take it: 1 in maintenance, 2 without an open session for user zoe.", reason);

        await grid.Group(group).Update(grid.Owner, new UpdateGroup(null, null, true));
        Assert.All(await grid.Group(group).GetQueue(grid.Owner), q => Assert.Equal("The group is in maintenance.", q.WaitReason));
    }

    [Fact]
    public async Task Runs_behind_the_head_of_their_connection_say_how_many_are_ahead()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        await grid.AddMachinesAsync(group, 1);
        for (var i = 0; i < 3; i++)
        {
            await grid.Group(group).Enqueue(grid.Run(Grid.Single("same")));
        }

        var queue = await grid.Group(group).GetQueue(grid.Owner);

        Assert.Equal(2, queue.Count);
        Assert.StartsWith("Behind 1 earlier run of the same connection.", queue[1].WaitReason);
    }

    [Fact]
    public async Task Maintenance_lets_running_runs_finish_and_assigns_nothing_new()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, 2))[0];
        var first = grid.Run(Grid.Single("a"));
        await grid.Group(group).Enqueue(first);
        await grid.Machine(machine).Update(grid.Owner, new UpdateMachine(null, true, null));

        await grid.Group(group).Enqueue(grid.Run(Grid.Single("b")));

        Assert.Equal([first.RunId], (await grid.Machine(machine).TakeAssignments()).Select(a => a.RunId));
        Assert.Equal(MachineStatus.Maintenance, (await grid.Machine(machine).Get(grid.Owner)).Status);
        Assert.Equal((1, 1), ((await grid.Group(group).Get(grid.Owner)).RunningCount, (await grid.Group(group).Get(grid.Owner)).QueuedCount));
        await grid.Machine(machine).Update(grid.Owner, new UpdateMachine(null, false, null));
        Assert.Single(await grid.Machine(machine).TakeAssignments());
    }

    [Fact]
    public async Task The_queue_timeout_fires_after_a_host_restart()
    {
        var data = GridSilo.NewDataDirectory();
        var clock = GridSilo.NewClock();
        var owner = Actors.Owner();
        string group;
        QueuedRun run;
        await using (var silo = await GridSilo.StartAsync(data, clock))
        {
            var grid = new Grid(silo, owner);
            group = await grid.CreateGroupAsync();
            run = grid.Run(Grid.Single("nobody"), mode: RunMode.Attended, queueTime: TimeSpan.FromMinutes(30));
            await grid.Group(group).Enqueue(run);
            Assert.Equal(1, (await grid.Group(group).Get(owner)).QueuedCount);
        }

        clock.Advance(TimeSpan.FromHours(1));
        await using var restarted = await GridSilo.StartAsync(data, clock);

        var groupGrain = restarted.GrainFactory.GetGrain<IMachineGroupGrain>(group);
        await Eventually.True(async () => (await groupGrain.Get(owner)).QueuedCount == 0, "the queued run timed out");
    }
}
