using System.Collections.Concurrent;
using MachineGrid.Persistence;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridB.Name)]
public sealed class RunLifecycleTests(SharedGrid shared)
{
    [Fact]
    public async Task A_run_goes_queued_assigned_running_succeeded_and_shows_the_machine_and_credential_used()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var credential = await grid.CreateCredentialAsync("robot");
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, credential));
        await Eventually.True(async () => (await grid.RunGrain(run).Get(grid.Owner)).Status == RunStatus.Assigned, "the run was assigned");

        var assignment = Assert.Single(await grid.Machine(machine).TakeAssignments());
        Assert.Equal("""{"x":1}""", await grid.RunGrain(run).InputsFor(machine));
        Assert.Equal("secret-of-robot", await grid.Grains.GetGrain<ICredentialGrain>(assignment.CredentialId).ResolveSecret(machine, run));
        await grid.Machine(machine).StartRun(run);
        Assert.Equal(RunStatus.Running, (await grid.RunGrain(run).Get(grid.Owner)).Status);
        await grid.Machine(machine).CompleteRun(run, true, """{"result":42}""", null);

        var view = await grid.RunGrain(run).Get(grid.Owner);
        Assert.Equal(RunStatus.Succeeded, view.Status);
        Assert.Equal(RunStatusReason.Completed, view.StatusReason);
        Assert.Equal(machine, view.MachineId);
        Assert.Equal(new CredentialUsed("credential robot", "robot"), view.Credential);
        Assert.NotNull(view.AssignedAt);
        Assert.NotNull(view.StartedAt);
        Assert.NotNull(view.EndedAt);
        Assert.Equal(1, view.Attempts);
        Assert.Equal("""{"result":42}""", view.Outputs);
        Assert.Equal((0, 0), ((await grid.Group(group).Get(grid.Owner)).RunningCount, (await grid.Group(group).Get(grid.Owner)).QueuedCount));
    }

    [Fact]
    public async Task A_completion_retried_after_the_group_let_the_run_go_and_the_machine_was_rebuilt_still_ends_the_run()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")));
        await Eventually.True(async () => (await grid.RunGrain(run).Get(grid.Owner)).Status == RunStatus.Assigned, "the run was assigned");
        Assert.Single(await grid.Machine(machine).TakeAssignments());
        await grid.Machine(machine).StartRun(run);

        // The first completion reached the group but not the run (its silo died), then the machine's activation was
        // lost too and rebuilt from the group, which no longer holds the run.
        await grid.Group(group).RunEnded(run);
        await grid.Silo.Cluster.DeactivateAsync((IAddressable)grid.Machine(machine));
        Assert.Empty(await grid.Machine(machine).RunsIn(null));

        await grid.Machine(machine).CompleteRun(run, true, null, null);

        Assert.Equal(RunStatus.Succeeded, (await grid.RunGrain(run).Get(grid.Owner)).Status);
        var other = (await grid.AddMachinesAsync(group, 1))[0];
        var refused = await Assert.ThrowsAsync<DomainException>(() => grid.Machine(other).CompleteRun(run, false, null, null));
        Assert.Equal(DomainErrorCode.InvalidState, refused.Code);
    }

    [Fact]
    public async Task Submitting_twice_with_the_same_idempotency_key_returns_the_same_run()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var runId = Ids.RunFor(grid.Owner.Id, "order-17");
        var request = new SubmitRun(connection, "flow-1", null, RunMode.Unattended, IdempotencyKey: "order-17");

        var first = await grid.RunGrain(runId).Submit(grid.Owner, request);
        var second = await grid.RunGrain(Ids.RunFor(grid.Owner.Id, "order-17")).Submit(grid.Owner, request with { FlowId = "other" });

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("flow-1", second.FlowId);
        Assert.Equal(1, (await grid.Group(group).Get(grid.Owner)).QueuedCount);
        Assert.NotEqual(runId, Ids.RunFor("someone else", "order-17"));
    }

    [Fact]
    public async Task An_unacknowledged_assignment_is_revoked_and_the_run_returns_to_the_head_of_the_queue()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var first = await grid.SubmitAsync(connection);
        await Eventually.True(async () => (await grid.RunGrain(first).Get(grid.Owner)).Status == RunStatus.Assigned, "the run was assigned");
        await grid.Machine(machine).Update(grid.Owner, new UpdateMachine(null, true, null));
        var second = await grid.SubmitAsync(connection, priority: RunPriority.High);

        grid.Clock.Advance(TimeSpan.FromSeconds(31));

        await Eventually.True(async () => (await grid.RunGrain(first).Get(grid.Owner)).Status == RunStatus.Queued, "the assignment was revoked");
        Assert.Equal(RunStatusReason.AssignmentRevoked, (await grid.RunGrain(first).Get(grid.Owner)).StatusReason);
        Assert.Equal([second, first], (await grid.Group(group).GetQueue(grid.Owner)).Select(q => q.RunId));
        await Assert.ThrowsAsync<DomainException>(() => grid.Machine(machine).StartRun(first));
    }

    [Fact]
    public async Task The_run_timeout_fires_after_a_host_restart_and_the_machine_is_told_to_stop()
    {
        var data = GridSilo.NewDataDirectory();
        var clock = GridSilo.NewClock();
        var owner = Actors.Owner();
        string run, machine, group;
        await using (var silo = await GridSilo.StartAsync(data, clock))
        {
            var grid = new Grid(silo, owner);
            group = await grid.CreateGroupAsync();
            machine = (await grid.AddMachinesAsync(group, 1))[0];
            run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")), runTimeoutSeconds: 600);
            await Eventually.True(async () => (await grid.Machine(machine).TakeAssignments()).Count == 1, "the run was offered");
            await grid.Machine(machine).StartRun(run);
        }

        clock.Advance(TimeSpan.FromMinutes(11));
        await using var restarted = await GridSilo.StartAsync(data, clock);
        var after = new Grid(restarted, owner);

        await Eventually.True(async () => (await after.RunGrain(run).Get(owner)).Status == RunStatus.TimedOut, "the run timed out");
        Assert.Equal(RunStatusReason.RunTimeout, (await after.RunGrain(run).Get(owner)).StatusReason);
        await Eventually.True(async () => (await after.Group(group).Get(owner)).RunningCount == 0, "the session was freed");
        await Assert.ThrowsAsync<DomainException>(() => after.Machine(machine).CompleteRun(run, true, null, null));
    }

    [Fact]
    public async Task Group_co_owners_manage_others_runs_and_group_users_only_see_them()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")));
        var run2 = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot2")));
        var coOwner = Actors.Owner();
        var user = Actors.User();
        var stranger = Actors.Owner();
        await grid.Group(group).Share(grid.Owner, coOwner.Id, ResourceAccess.CoOwner);
        await grid.Group(group).Share(grid.Owner, user.Id, ResourceAccess.User);

        var seen = await grid.RunGrain(run).Get(user);
        var refusedToUser = await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain(run).Cancel(user));
        var refusedToStranger = await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain(run).Get(stranger));
        await grid.RunGrain(run2).MoveToTop(coOwner);
        await grid.RunGrain(run).SetPriority(coOwner, RunPriority.High);
        var cancelled = await grid.RunGrain(run).Cancel(coOwner);

        Assert.Equal(RunStatus.Queued, seen.Status);
        Assert.Equal(DomainErrorCode.Forbidden, refusedToUser.Code);
        Assert.Equal(DomainErrorCode.Forbidden, refusedToStranger.Code);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Equal([run2], (await grid.Group(group).GetQueue(grid.Owner)).Select(q => q.RunId));
    }

    [Fact]
    public async Task A_machine_rebuilds_its_runs_from_its_group_after_a_host_restart()
    {
        var data = GridSilo.NewDataDirectory();
        var clock = GridSilo.NewClock();
        var owner = Actors.Owner();
        string machine, started, offered;
        await using (var silo = await GridSilo.StartAsync(data, clock))
        {
            var grid = new Grid(silo, owner);
            var group = await grid.CreateGroupAsync();
            machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 2))[0];
            started = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot-a")));
            offered = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot-b")));
            await Eventually.True(async () => (await grid.RunGrain(offered).Get(owner)).Status == RunStatus.Assigned, "both runs were placed");
            Assert.Equal(2, (await grid.Machine(machine).TakeAssignments()).Count);
            await grid.Machine(machine).StartRun(started);
        }

        await using var restarted = await GridSilo.StartAsync(data, clock);
        var after = new Grid(restarted, owner);
        var handedAgain = await after.Machine(machine).TakeAssignments();
        await after.Machine(machine).StartRun(offered);
        await after.Machine(machine).CompleteRun(started, true, null, null);

        Assert.Equal([offered], handedAgain.Select(a => a.RunId));
        Assert.Equal(RunStatus.Succeeded, (await after.RunGrain(started).Get(owner)).Status);
        Assert.Equal(RunStatus.Running, (await after.RunGrain(offered).Get(owner)).Status);
    }

    [Fact]
    public async Task A_run_rebuilds_its_assignment_and_start_from_its_group_when_a_second_host_opens_the_database_as_after_a_crash()
    {
        var data = GridSilo.NewDataDirectory();
        var owner = Actors.Owner();
        await using var crashed = await GridSilo.StartAsync(data);
        var grid = new Grid(crashed, owner);
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 2))[0];
        var started = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot-a")));
        var offered = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot-b")));
        await Eventually.True(async () => (await grid.RunGrain(offered).Get(owner)).Status == RunStatus.Assigned, "both runs were placed");
        Assert.Equal(2, (await grid.Machine(machine).TakeAssignments()).Count);
        await grid.Machine(machine).StartRun(started);
        var before = await grid.RunGrain(started).Get(owner);
        var stored = await crashed.ReadStoredAsync(grid.RunGrain(offered).GetGrainId(), "run");
        // Null fields are left out of stored state (the run's machine, credential and times are still unset); they read back as null.
        Assert.DoesNotContain("null", stored!.Json);

        await using var second = await GridSilo.OpenAfterCrashAsync(data, crashed);
        var after = new Grid(second, owner);
        var running = await after.RunGrain(started).Get(owner);
        var assigned = await after.RunGrain(offered).Get(owner);
        await after.Machine(machine).StartRun(started);
        await after.Machine(machine).StartRun(offered);
        await after.Machine(machine).CompleteRun(started, true, null, null);

        Assert.Equal((RunStatus.Running, RunStatusReason.Started, machine, "robot-a", 1), (running.Status, running.StatusReason, running.MachineId, running.Credential?.Username, running.Attempts));
        Assert.Equal(before.AssignedAt, running.AssignedAt);
        Assert.NotNull(running.StartedAt);
        Assert.Equal((RunStatus.Assigned, machine, "robot-b", 0, (DateTimeOffset?)null), (assigned.Status, assigned.MachineId, assigned.Credential?.Username, assigned.Attempts, assigned.StartedAt));
        Assert.Equal(RunStatus.Succeeded, (await after.RunGrain(started).Get(owner)).Status);
        Assert.Equal((RunStatus.Running, 1), ((await after.RunGrain(offered).Get(owner)).Status, (await after.RunGrain(offered).Get(owner)).Attempts));
        var onMachine = await after.Grains.GetGrain<IDirectoryGrain>("environment").ListRuns(owner, new RunFilter(MachineId: machine, Status: RunStatus.Running), null, 10);
        Assert.Equal([offered], onMachine.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task A_run_whose_first_write_fails_is_taken_back_from_its_group_and_the_run_index_and_no_machine_keeps_it()
    {
        var owner = Actors.Owner();
        await using var fleet = await OneMachineFleet.StartAsync(owner);
        var (grid, group, machine) = (fleet.Grid, fleet.Group, fleet.Machine);
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var run = Ids.New("r");
        // The run is active and has read that nothing is stored; a record written under its id behind its back makes
        // its first write conflict, while its group, asked at the same time, places it on the free machine.
        Assert.Equal(DomainErrorCode.NotFound, (await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain(run).Get(owner))).Code);
        await grid.Silo.WriteStoredAsync(grid.RunGrain(run).GetGrainId(), "run", "{}");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grid.RunGrain(run).Submit(owner, new SubmitRun(connection, "flow-1", null, RunMode.Unattended)));

        Assert.Empty(await grid.Machine(machine).TakeAssignments());
        Assert.Empty(await grid.Machine(machine).RunsIn(null));
        Assert.Empty(await grid.Group(group).GetQueue(owner));
        var rows = await grid.Silo.Services.GetRequiredService<IReadModel>().ScanAsync(RunIndex.Table, "", null, 1000);
        Assert.DoesNotContain(rows, row => row.Key.EndsWith("/" + run, StringComparison.Ordinal));
        var next = await grid.SubmitAsync(connection);
        await Eventually.True(async () => (await grid.RunGrain(next).Get(owner)).Status == RunStatus.Assigned, "the machine took the next run");
        Assert.Equal([next], (await grid.Machine(machine).TakeAssignments()).Select(a => a.RunId));
    }

    [Fact]
    public async Task A_run_its_group_let_go_before_the_run_wrote_its_end_is_held_by_the_group_again_after_a_crash_and_not_queued_twice()
    {
        var owner = Actors.Owner();
        await using var fleet = await OneMachineFleet.StartAsync(owner);
        var (grid, group, machine) = (fleet.Grid, fleet.Group, fleet.Machine);
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")));
        await grid.StartPlacedRunAsync(machine, run);
        // The machine's report of the end reaches the group, and the host crashes before the run writes its end.
        await grid.Group(group).RunEnded(run);

        var after = await fleet.OpenAfterCrashAsync();
        await using var second = after.Silo;
        var read = await after.RunGrain(run).Get(owner);
        var held = await after.Group(group).RunsOn(machine);
        var queue = await after.Group(group).GetQueue(owner);
        // The agent reports the end again, and the run ends once.
        await after.Machine(machine).CompleteRun(run, true, null, null);

        Assert.Equal((RunStatus.Running, machine, 1), (read.Status, read.MachineId, read.Attempts));
        Assert.Equal([(run, true)], held.Select(p => (p.Assignment.RunId, p.Started)));
        Assert.Empty(queue);
        Assert.Equal(RunStatus.Succeeded, (await after.RunGrain(run).Get(owner)).Status);
        Assert.Empty(await after.Group(group).RunsOn(machine));
    }

    [Fact]
    public async Task A_run_queued_behind_a_busy_machine_at_a_crash_is_placed_there_when_that_machines_run_ends_after_the_restart()
    {
        var owner = Actors.Owner();
        await using var fleet = await OneMachineFleet.StartAsync(owner);
        var (grid, group, machine) = (fleet.Grid, fleet.Group, fleet.Machine);
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var running = await grid.SubmitAsync(connection);
        await grid.StartPlacedRunAsync(machine, running);
        var waiting = await grid.SubmitAsync(connection);
        Assert.Equal(RunStatus.Queued, (await grid.RunGrain(waiting).Get(owner)).Status);

        var after = await fleet.OpenAfterCrashAsync();
        await using var second = after.Silo;
        await after.Machine(machine).CompleteRun(running, true, null, null);

        await Eventually.True(async () => (await after.RunGrain(waiting).Get(owner)).Status == RunStatus.Assigned, "the queued run was placed on the freed machine");
        Assert.Equal([waiting], (await after.Machine(machine).TakeAssignments()).Select(a => a.RunId));
        Assert.Empty(await after.Group(group).GetQueue(owner));
    }

    [Fact]
    public async Task An_ended_run_reads_back_from_the_view_it_was_filed_with_after_a_crash_and_is_not_queued_again()
    {
        var data = GridSilo.NewDataDirectory();
        var owner = Actors.Owner();
        await using var crashed = await GridSilo.StartAsync(data);
        var grid = new Grid(crashed, owner);
        var busy = await grid.CreateGroupAsync("busy");
        var machine = (await grid.AddMachinesAsync(busy, 1))[0];
        var succeeded = await grid.SubmitAsync(await grid.ConnectAsync(busy, await grid.CreateCredentialAsync("robot")));
        var empty = await grid.CreateGroupAsync("empty");
        var cancelled = await grid.SubmitAsync(await grid.ConnectAsync(empty, await grid.CreateCredentialAsync("robot-b")));
        await grid.StartPlacedRunAsync(machine, succeeded);
        var stateBeforeEnd = await crashed.ReadStoredAsync(grid.RunGrain(succeeded).GetGrainId(), "run");
        await grid.Machine(machine).CompleteRun(succeeded, true, """{"result":42}""", null);
        await grid.RunGrain(cancelled).Cancel(owner);
        var ended = await grid.RunGrain(succeeded).Get(owner);
        // The end is one write of the run's view to the run index; the run's own state is not written again.
        Assert.Equal(stateBeforeEnd!.ETag, (await crashed.ReadStoredAsync(grid.RunGrain(succeeded).GetGrainId(), "run"))!.ETag);

        await using var second = await GridSilo.OpenAfterCrashAsync(data, crashed);
        var after = new Grid(second, owner);
        var read = await after.RunGrain(succeeded).Get(owner);
        var readCancelled = await after.RunGrain(cancelled).Get(owner);

        Assert.Equal(ended, read);
        Assert.Equal((RunStatus.Succeeded, machine, "robot", """{"result":42}""", 1), (read.Status, read.MachineId, read.Credential?.Username, read.Outputs, read.Attempts));
        Assert.Equal((RunStatus.Cancelled, RunStatusReason.CancelledByUser), (readCancelled.Status, readCancelled.StatusReason));
        Assert.Empty(await after.Group(empty).GetQueue(owner));
        Assert.Equal(DomainErrorCode.InvalidState, (await Assert.ThrowsAsync<DomainException>(() => after.RunGrain(cancelled).Cancel(owner))).Code);
        // The agent repeating its completion (its first answer was lost) is answered as the first was; the end stands.
        await after.Machine(machine).CompleteRun(succeeded, false, null, "late");
        Assert.Equal(ended, await after.RunGrain(succeeded).Get(owner));
    }

    [Fact]
    public async Task A_queued_run_that_is_not_active_when_it_times_out_after_a_host_restart_ends_and_leaves_the_queue()
    {
        var data = GridSilo.NewDataDirectory();
        var clock = GridSilo.NewClock();
        var owner = Actors.Owner();
        string run, group;
        await using (var silo = await GridSilo.StartAsync(data, clock))
        {
            var grid = new Grid(silo, owner);
            group = await grid.CreateGroupAsync();
            run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")));
        }

        clock.Advance(TimeSpan.FromHours(4));
        await using var restarted = await GridSilo.StartAsync(data, clock);
        var after = new Grid(restarted, owner);
        // Nothing here activates the run: the group's reminder expires it and the news of its end activates it, and an
        // activated run whose group does not hold it enqueues itself again unless the group says it let it go.
        var timedOut = new RunFilter(GroupId: group, Status: RunStatus.TimedOut);
        await Eventually.True(async () => (await after.Grains.GetGrain<IDirectoryGrain>("environment").ListRuns(owner, timedOut, null, 10)).Items.Count == 1, "the run timed out");

        Assert.Empty(await after.Group(group).GetQueue(owner));
        var ended = await after.RunGrain(run).Get(owner);
        Assert.Equal((RunStatus.TimedOut, RunStatusReason.QueueTimeout), (ended.Status, ended.StatusReason));
    }

    [Fact]
    public async Task The_queue_keeps_its_order_across_a_host_restart()
    {
        var data = GridSilo.NewDataDirectory();
        var clock = GridSilo.NewClock();
        var owner = Actors.Owner();
        string group, connection;
        var runs = new List<string>();
        await using (var silo = await GridSilo.StartAsync(data, clock))
        {
            var grid = new Grid(silo, owner);
            group = await grid.CreateGroupAsync();
            connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
            for (var i = 0; i < 3; i++)
            {
                runs.Add(await grid.SubmitAsync(connection));
            }
            await grid.RunGrain(runs[2]).MoveToTop(owner);
        }

        await using var restarted = await GridSilo.StartAsync(data, clock);
        var after = new Grid(restarted, owner);
        runs.Add(await after.SubmitAsync(connection));
        var moved = await after.SubmitAsync(connection);
        await after.RunGrain(moved).MoveToTop(owner);

        Assert.Equal([moved, runs[2], runs[0], runs[1], runs[3]], (await after.Group(group).GetQueue(owner)).Select(q => q.RunId));
    }

    [Fact]
    public async Task A_machine_lost_mid_run_fails_the_run_with_MachineLost()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")));
        await Eventually.True(async () => (await grid.Machine(machine).TakeAssignments()).Count == 1, "the run was offered");
        await grid.Machine(machine).StartRun(run);

        for (var i = 0; i < 3; i++)
        {
            grid.Clock.Advance(TimeSpan.FromSeconds(60));
        }

        await Eventually.True(async () => (await grid.RunGrain(run).Get(grid.Owner)).Status == RunStatus.Failed, "the run failed");
        Assert.Equal(RunStatusReason.MachineLost, (await grid.RunGrain(run).Get(grid.Owner)).StatusReason);
        Assert.Equal(MachineStatus.Offline, (await grid.Machine(machine).Get(grid.Owner)).Status);
    }

    [Fact]
    public async Task A_machine_back_from_losing_a_run_and_given_another_for_the_same_user_shows_one_session_for_that_user()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var lost = await grid.SubmitAsync(connection);
        await grid.StartPlacedRunAsync(machine, lost);
        for (var i = 0; i < 3; i++)
        {
            grid.Clock.Advance(TimeSpan.FromSeconds(60));
        }
        await Eventually.True(async () => (await grid.RunGrain(lost).Get(grid.Owner)).Status == RunStatus.Failed, "the run was lost with its machine");

        await grid.HeartbeatAsync(machine);
        var next = await grid.SubmitAsync(connection);
        await Eventually.True(async () => (await grid.RunGrain(next).Get(grid.Owner)).Status == RunStatus.Assigned, "the next run was assigned");

        var view = await grid.Machine(machine).Get(grid.Owner);
        var session = Assert.Single(view.Sessions);
        Assert.Equal("robot", session.User);
        Assert.Equal(next, session.RunId);
        Assert.Equal(MachineStatus.Online, (await grid.HeartbeatAsync(machine)).Status);
    }

    [Fact]
    public async Task A_machine_lost_mid_run_is_retried_when_the_run_asked_for_retries()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 2);
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")), maxAttempts: 2);
        await Eventually.True(async () => (await grid.RunGrain(run).Get(grid.Owner)).Status == RunStatus.Assigned, "the run was assigned");
        var first = (await grid.RunGrain(run).Get(grid.Owner)).MachineId!;
        var other = machines.Single(m => m != first);
        await grid.Machine(first).TakeAssignments();
        await grid.Machine(first).StartRun(run);

        for (var i = 0; i < 6; i++)
        {
            grid.Clock.Advance(TimeSpan.FromSeconds(30));
            await grid.HeartbeatAsync(other);
        }

        await Eventually.True(async () => (await grid.RunGrain(run).Get(grid.Owner)).MachineId == other, "the run was retried on the other machine");
        await grid.WorkAsync([other]);
        var view = await grid.RunGrain(run).Get(grid.Owner);
        Assert.Equal(RunStatus.Succeeded, view.Status);
        Assert.Equal(2, view.Attempts);
    }

    [Fact]
    public async Task A_failed_credential_makes_the_machine_unavailable_until_the_failure_is_cleared()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var credential = await grid.CreateCredentialAsync("robot");
        await grid.Machine(machine).ReportCredentialFailure(credential, "password expired");
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, credential));

        var waiting = Assert.Single(await grid.Group(group).GetQueue(grid.Owner));
        Assert.Contains("credential failed", waiting.WaitReason);
        Assert.Equal(RunStatus.Queued, (await grid.RunGrain(run).Get(grid.Owner)).Status);

        await grid.Grains.GetGrain<ICredentialGrain>(credential).ClearFailure(grid.Owner, machine);
        await Eventually.True(async () => (await grid.RunGrain(run).Get(grid.Owner)).Status == RunStatus.Assigned, "the run was assigned once the failure was cleared");
    }

    [Fact]
    public async Task A_second_live_agent_with_the_same_identity_is_refused_and_the_first_keeps_it()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var machine = await grid.RegisterAsync("original");
        await grid.HeartbeatAsync(machine);

        var clone = await Assert.ThrowsAsync<DomainException>(() =>
            grid.Machine(machine).Heartbeat(new AgentHeartbeat("cloned-agent", $"fp-{machine}", [])));

        Assert.Equal(DomainErrorCode.MachineIdentityConflict, clone.Code);
        Assert.Equal(MachineStatus.Online, (await grid.HeartbeatAsync(machine)).Status);
        grid.Clock.Advance(TimeSpan.FromMinutes(5));
        await Eventually.True(async () => (await grid.Machine(machine).Get(grid.Owner)).Status == MachineStatus.Offline, "the silent machine went offline");
        Assert.Equal(MachineStatus.Online, (await grid.Machine(machine).Heartbeat(new AgentHeartbeat("replacement-agent", $"fp-{machine}", []))).Status);
    }

    [Fact]
    public async Task Cancel_priority_and_move_to_top_act_on_queued_runs()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var a = await grid.SubmitAsync(connection);
        var b = await grid.SubmitAsync(connection);
        var c = await grid.SubmitAsync(connection, priority: RunPriority.Low);

        await grid.RunGrain(c).SetPriority(grid.Owner, RunPriority.High);
        await grid.RunGrain(b).MoveToTop(grid.Owner);
        await grid.RunGrain(a).Cancel(grid.Owner);

        Assert.Equal([b, c], (await grid.Group(group).GetQueue(grid.Owner)).Select(q => q.RunId));
        var cancelled = await grid.RunGrain(a).Get(grid.Owner);
        Assert.Equal((RunStatus.Cancelled, RunStatusReason.CancelledByUser), (cancelled.Status, cancelled.StatusReason));
        Assert.Equal(DomainErrorCode.InvalidState, (await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain(a).Cancel(grid.Owner))).Code);
    }

    [Fact]
    public async Task A_thousand_runs_submitted_in_parallel_to_a_50_machine_group_are_each_assigned_once_and_all_complete()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 50);
        var credentials = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => grid.CreateCredentialAsync($"robot{i}")));
        var mapping = Ids.New("map");
        await grid.Grains.GetGrain<IMachineMappingGrain>(mapping).Create(grid.Owner, new CreateMapping("fleet", null, credentials[0],
            [.. machines.Select((m, i) => new MachineCredentials(m, [credentials[i]]))]));
        var connection = Ids.New("conn");
        await grid.Grains.GetGrain<IConnectionGrain>(connection).Create(grid.Owner, new CreateConnection("fleet", new ConnectionTarget(null, group), null, mapping));

        var runs = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => grid.SubmitAsync(connection))));
        var offered = new ConcurrentDictionary<string, string>();
        while (offered.Count < runs.Length)
        {
            await Task.WhenAll(machines.Select(async machine =>
            {
                var assignments = await grid.Machine(machine).TakeAssignments();
                Assert.True(assignments.Count <= 1, $"machine {machine} was offered {assignments.Count} runs at once");
                foreach (var assignment in assignments)
                {
                    Assert.True(offered.TryAdd(assignment.RunId, machine), $"run {assignment.RunId} was offered twice");
                    Assert.Equal(credentials[Array.IndexOf(machines, machine)], assignment.CredentialId);
                    await grid.Machine(machine).StartRun(assignment.RunId);
                    await grid.Machine(machine).CompleteRun(assignment.RunId, true, null, null);
                }
            }));
        }

        var views = await Task.WhenAll(runs.Select(r => grid.RunGrain(r).Get(grid.Owner)));
        Assert.All(views, v => Assert.Equal(RunStatus.Succeeded, v.Status));
        Assert.All(views, v => Assert.Equal(offered[v.Id], v.MachineId));
        Assert.Equal(1000, offered.Count);
        var summary = await grid.Group(group).Get(grid.Owner);
        Assert.Equal((0, 0), (summary.RunningCount, summary.QueuedCount));
    }
}
