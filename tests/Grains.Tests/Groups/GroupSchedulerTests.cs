using Xunit;

namespace MachineGrid.Grains.Tests.Groups;

public sealed class GroupSchedulerTests
{
    private static readonly TimeSpan AcknowledgeTimeout = TimeSpan.FromSeconds(30);
    private static readonly CredentialOption Robot = new("c-1", "robot", "robot");
    private readonly GroupState group = new();
    private readonly GroupScheduler scheduler;
    private DateTimeOffset now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public GroupSchedulerTests()
    {
        group.Members["m-1"] = new MemberState { Machine = new MachineAvailability("m-1", "one", true, false, 1, [], []) };
        group.Plans["c-1"] = new CredentialPlan("c-1", Robot, new Dictionary<string, IReadOnlyList<CredentialOption>>());
        scheduler = new GroupScheduler(() => group, AcknowledgeTimeout, () => now);
    }

    [Fact]
    public void It_assigns_the_best_ranked_run_first_and_announces_it_to_the_run_then_the_machine()
    {
        scheduler.Enqueue(Run("r-low", RunPriority.Low));
        scheduler.Enqueue(Run("r-normal", RunPriority.Normal));
        scheduler.Enqueue(Run("r-high", RunPriority.High));

        scheduler.Schedule();

        Assert.Equal(["r-high", "r-low", "r-normal"], scheduler.TakeChangedRuns().Order(StringComparer.Ordinal));
        var announcements = scheduler.TakeAnnouncements();
        Assert.Equal(2, announcements.Count);
        Assert.Equal(new GroupAnnouncement.RunAssigned("r-high", "m-1", Robot, now), announcements[0]);
        var offer = Assert.IsType<GroupAnnouncement.MachineOffered>(announcements[1]);
        Assert.Equal("m-1", offer.MachineId);
        Assert.Equal("r-high", offer.Assignment.RunId);
        Assert.Equal(now + AcknowledgeTimeout, offer.Assignment.AcknowledgeBy);
        Assert.Equal(["r-normal", "r-low"], scheduler.QueueInOrder().Select(q => q.RunId));
        Assert.Empty(scheduler.TakeAnnouncements());
        Assert.Equal(now + AcknowledgeTimeout, scheduler.NextDeadline);
    }

    [Fact]
    public void A_run_moved_to_the_top_goes_before_a_higher_priority_one_and_reprioritizing_keeps_it_there()
    {
        group.Maintenance = true;
        scheduler.Enqueue(Run("r-1", RunPriority.High));
        scheduler.Enqueue(Run("r-2", RunPriority.Low));
        scheduler.Enqueue(Run("r-3", RunPriority.Normal));

        scheduler.MoveToTop("r-2");
        scheduler.Reprioritize("r-2", RunPriority.Normal);
        scheduler.Reprioritize("r-3", RunPriority.High);

        Assert.Equal(["r-2", "r-1", "r-3"], scheduler.QueueInOrder().Select(q => q.RunId));
        Assert.Throws<DomainException>(() => scheduler.MoveToTop("r-unknown"));
    }

    [Fact]
    public void An_unacknowledged_assignment_expires_is_withdrawn_requeued_at_the_head_and_assigned_again_without_counting_an_attempt()
    {
        scheduler.Enqueue(Run("r-1", RunPriority.Normal));
        scheduler.Enqueue(Run("r-2", RunPriority.High));
        scheduler.Schedule();
        scheduler.TakeAnnouncements();

        now += AcknowledgeTimeout;
        scheduler.ExpireDue();

        Assert.Equal(
            [new GroupAnnouncement.MachineWithdrawn("m-1", "r-2", now), new GroupAnnouncement.RunRequeued("r-2", RunStatusReason.AssignmentRevoked)],
            scheduler.TakeAnnouncements());
        Assert.Equal(["r-2", "r-1"], scheduler.QueueInOrder().Select(q => q.RunId));
        Assert.Null(scheduler.PlacementOf("r-2"));

        scheduler.Schedule();

        Assert.Equal(new GroupAnnouncement.RunAssigned("r-2", "m-1", Robot, now), scheduler.TakeAnnouncements()[0]);
        Assert.Equal(1, scheduler.PlacementOf("r-2")!.Attempts);
    }

    [Fact]
    public void A_started_run_past_its_run_timeout_is_withdrawn_and_timed_out_and_the_next_run_takes_the_machine()
    {
        scheduler.Enqueue(Run("r-1", RunPriority.Normal, runTimeout: TimeSpan.FromMinutes(5)));
        scheduler.Enqueue(Run("r-2", RunPriority.Normal));
        scheduler.Schedule();
        Assert.True(scheduler.Start("r-1", "m-1"));
        Assert.False(scheduler.Start("r-1", "m-1"));
        Assert.Throws<DomainException>(() => scheduler.Start("r-2", "m-1"));
        scheduler.TakeAnnouncements();

        now += TimeSpan.FromMinutes(5);
        scheduler.ExpireDue();
        scheduler.Schedule();

        var announcements = scheduler.TakeAnnouncements();
        Assert.Equal(new GroupAnnouncement.MachineWithdrawn("m-1", "r-1", now - TimeSpan.FromMinutes(5) + AcknowledgeTimeout), announcements[0]);
        Assert.Equal(new GroupAnnouncement.RunEnded("r-1", RunStatus.TimedOut, RunStatusReason.RunTimeout), announcements[1]);
        Assert.Equal(new GroupAnnouncement.RunAssigned("r-2", "m-1", Robot, now), announcements[2]);
        Assert.Equal(now - TimeSpan.FromMinutes(5), scheduler.PlacementOf("r-1")!.StartedAt);
    }

    [Fact]
    public void A_queued_run_past_its_queue_deadline_times_out_and_is_still_held_so_it_is_not_queued_again()
    {
        group.Maintenance = true;
        scheduler.Enqueue(Run("r-1", RunPriority.Normal, queueFor: TimeSpan.FromMinutes(1)));
        scheduler.Enqueue(Run("r-2", RunPriority.Normal, queueFor: TimeSpan.FromMinutes(2)));
        scheduler.TakeChangedRuns();

        now += TimeSpan.FromMinutes(1);
        scheduler.ExpireDue();

        Assert.Equal([new GroupAnnouncement.RunEnded("r-1", RunStatus.TimedOut, RunStatusReason.QueueTimeout)], scheduler.TakeAnnouncements());
        Assert.Equal(["r-1"], scheduler.TakeChangedRuns());
        Assert.True(scheduler.Holds("r-1"));
        Assert.Null(scheduler.PlacementOf("r-1"));
        Assert.Equal(now + TimeSpan.FromMinutes(1), scheduler.NextDeadline);
    }

    [Fact]
    public void Runs_on_a_lost_machine_are_requeued_while_they_have_attempts_left_and_fail_after()
    {
        group.Members["m-1"].Machine = group.Members["m-1"].Machine with { MaxSessions = 2 };
        group.Plans["c-2"] = new CredentialPlan("c-2", new CredentialOption("c-2", "second", "second"), new Dictionary<string, IReadOnlyList<CredentialOption>>());
        scheduler.Enqueue(Run("r-retry", RunPriority.Normal, maxAttempts: 2));
        scheduler.Enqueue(Run("r-once", RunPriority.Normal, planSource: "c-2"));
        scheduler.Schedule();
        scheduler.Start("r-retry", "m-1");
        scheduler.Start("r-once", "m-1");
        scheduler.TakeAnnouncements();
        group.Members["m-1"].Machine = group.Members["m-1"].Machine with { Online = false };

        scheduler.LoseRuns("m-1");
        scheduler.Schedule();

        Assert.Equal(
            [new GroupAnnouncement.RunRequeued("r-retry", RunStatusReason.MachineLost), new GroupAnnouncement.RunEnded("r-once", RunStatus.Failed, RunStatusReason.MachineLost)],
            scheduler.TakeAnnouncements());
        Assert.Equal(["r-retry"], scheduler.QueueInOrder().Select(q => q.RunId));
        Assert.Empty(scheduler.RunsOn("m-1"));
    }

    [Fact]
    public void Dropping_a_deleted_credential_cancels_the_queued_runs_left_without_one_and_withdraws_its_unstarted_assignment()
    {
        scheduler.Enqueue(Run("r-1", RunPriority.Normal));
        scheduler.Enqueue(Run("r-2", RunPriority.Normal));
        scheduler.Schedule();
        scheduler.TakeAnnouncements();

        Assert.True(scheduler.DropCredential(Robot));

        var error = GroupScheduler.DeletedCredentialText(Robot);
        Assert.Equal(
            [
                new GroupAnnouncement.RunEnded("r-2", RunStatus.Cancelled, RunStatusReason.CredentialDeleted, error),
                new GroupAnnouncement.MachineWithdrawn("m-1", "r-1", now + AcknowledgeTimeout),
                new GroupAnnouncement.RunEnded("r-1", RunStatus.Cancelled, RunStatusReason.CredentialDeleted, error),
            ],
            scheduler.TakeAnnouncements());
        Assert.True(group.Plans["c-1"].OffersNone());
        Assert.Empty(scheduler.QueueInOrder());
        Assert.Empty(scheduler.RunsOn("m-1"));
        Assert.False(scheduler.DropCredential(Robot));
    }

    [Fact]
    public void An_ended_run_frees_its_machine_and_its_placement_is_still_known()
    {
        scheduler.Enqueue(Run("r-1", RunPriority.Normal));
        scheduler.Schedule();
        scheduler.TakeChangedRuns();

        Assert.True(scheduler.End("r-1"));
        Assert.False(scheduler.End("r-1"));

        Assert.Equal(["r-1"], scheduler.TakeChangedRuns());
        Assert.Empty(group.Members["m-1"].BusyUsers);
        Assert.Equal(new RunPlacement("m-1", Robot, now, null, 1), scheduler.PlacementOf("r-1"));
        Assert.Null(scheduler.NextDeadline);
    }

    [Fact]
    public void Rebuilding_from_loaded_runs_restores_order_deadlines_and_busy_users()
    {
        var loaded = new GroupScheduler(() => group, AcknowledgeTimeout, () => now);
        loaded.Runs.Queued["r-2"] = new QueuedEntry { Run = Run("r-2", RunPriority.Normal), Rank = 2, Order = 4 };
        loaded.Runs.Queued["r-3"] = new QueuedEntry { Run = Run("r-3", RunPriority.Normal), Rank = 0, Order = -3 };
        loaded.Runs.Assigned["r-1"] = new AssignedEntry { Run = Run("r-1", RunPriority.Normal), MachineId = "m-1", Credential = Robot, AcknowledgeBy = now + TimeSpan.FromSeconds(5) };

        loaded.Rebuild();

        Assert.Equal(5, loaded.Runs.NextOrder);
        Assert.Equal(-4, loaded.Runs.NextHeadOrder);
        Assert.Equal(["r-3", "r-2"], loaded.QueueInOrder().Select(q => q.RunId));
        Assert.Equal("robot", group.Members["m-1"].BusyUsers["r-1"]);
        Assert.Equal(now + TimeSpan.FromSeconds(5), loaded.NextDeadline);
    }

    private GroupRun Run(string runId, RunPriority priority, TimeSpan? queueFor = null, TimeSpan? runTimeout = null, int maxAttempts = 1, string planSource = "c-1") =>
        new(runId, "f-1", RunMode.Unattended, priority, now, now + (queueFor ?? TimeSpan.FromHours(1)), runTimeout ?? TimeSpan.FromHours(1), maxAttempts, planSource);
}
