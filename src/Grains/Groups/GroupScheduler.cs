namespace MachineGrid.Grains;

/// <summary>
/// A group's runs not yet ended, its queue, its deadlines and the runs it let go lately, with every change to them:
/// enqueue, remove, reorder, start, end, expire, lose a machine's runs, and placement. It neither writes nor sends:
/// it records which runs changed (<see cref="TakeChangedRuns"/>) and what to announce (<see cref="TakeAnnouncements"/>)
/// for the group to do once the change is durable.
/// </summary>
internal sealed class GroupScheduler(Func<GroupState> group, TimeSpan acknowledgeTimeout, Func<DateTimeOffset> utcNow)
{
    private readonly RunQueue queue = new();
    private readonly RecentlyEnded recentlyEnded = new();
    private readonly SortedSet<(DateTimeOffset At, string RunId)> deadlines = [];
    private readonly HashSet<string> changedRuns = [];
    private readonly List<GroupAnnouncement> announcements = [];

    public GroupRuns Runs { get; } = new();

    public DateTimeOffset? NextDeadline => deadlines.Count == 0 ? null : deadlines.Min.At;

    public bool HasChangedRuns => changedRuns.Count > 0;

    private GroupState Group => group();

    /// <summary>Rebuilds the queue, the deadlines and the members' busy users from <see cref="Runs"/> as loaded.</summary>
    public void Rebuild()
    {
        var orders = Runs.Queued.Values.Select(q => q.Order).ToList();
        Runs.NextOrder = orders.Count == 0 ? 0 : Math.Max(0, orders.Max() + 1);
        Runs.NextHeadOrder = orders.Count == 0 ? -1 : Math.Min(-1, orders.Min() - 1);
        foreach (var entry in Runs.Queued.Values)
        {
            queue.Add(entry);
            deadlines.Add((entry.Run.QueueDeadline, entry.Run.RunId));
        }
        foreach (var entry in Runs.Assigned.Values)
        {
            if (Group.Members.TryGetValue(entry.MachineId, out var member))
            {
                member.BusyUsers[entry.Run.RunId] = entry.Credential.Username;
            }
            deadlines.Add((Deadline(entry), entry.Run.RunId));
        }
    }

    public List<string> TakeChangedRuns()
    {
        var changed = changedRuns.ToList();
        changedRuns.Clear();
        return changed;
    }

    /// <summary>Marks runs changed again after their write failed.</summary>
    public void RestoreChangedRuns(IEnumerable<string> runIds) => changedRuns.UnionWith(runIds);

    public List<GroupAnnouncement> TakeAnnouncements()
    {
        var taken = announcements.ToList();
        announcements.Clear();
        return taken;
    }

    public bool Holds(string runId) => Runs.Queued.ContainsKey(runId) || Runs.Assigned.ContainsKey(runId) || recentlyEnded.Contains(runId);

    public void Enqueue(GroupRun run) =>
        AddToQueue(new QueuedEntry { Run = run, Rank = RankOf(run.Priority), Order = Runs.NextOrder++ });

    /// <summary>Lets every run go because the group is deleted; its queued runs are told they were cancelled.</summary>
    public void Clear()
    {
        foreach (var runId in Runs.Queued.Keys)
        {
            announcements.Add(new GroupAnnouncement.RunEnded(runId, RunStatus.Cancelled, "GroupDeleted"));
        }
        changedRuns.UnionWith(Runs.Queued.Keys);
        changedRuns.UnionWith(Runs.Assigned.Keys);
        Runs.Queued.Clear();
        Runs.Assigned.Clear();
        queue.Clear();
        deadlines.Clear();
    }

    /// <summary>Returns whether the run was newly started (false when it had started already).</summary>
    public bool Start(string runId, string machineId)
    {
        if (!Runs.Assigned.TryGetValue(runId, out var entry) || entry.MachineId != machineId)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"Run {runId} is not assigned to machine {machineId}.");
        }
        if (entry.Started)
        {
            return false;
        }
        deadlines.Remove((entry.AcknowledgeBy, runId));
        entry.Started = true;
        entry.StartedAt = utcNow();
        entry.RunDeadline = entry.StartedAt + entry.Run.RunTimeout;
        deadlines.Add((entry.RunDeadline.Value, runId));
        changedRuns.Add(runId);
        return true;
    }

    /// <summary>Returns whether the run was placed here.</summary>
    public bool End(string runId) => Unassign(runId) is not null;

    public void Remove(string runId)
    {
        if (RemoveFromQueue(runId) is not null)
        {
            recentlyEnded.Add(runId, null);
        }
        else if (Unassign(runId) is { } assigned)
        {
            announcements.Add(new GroupAnnouncement.MachineWithdrawn(assigned.MachineId, runId, assigned.AcknowledgeBy));
        }
    }

    public void Reprioritize(string runId, RunPriority priority)
    {
        var entry = RemoveFromQueue(runId) ?? throw NotQueued(runId);
        entry.Run = entry.Run with { Priority = priority };
        entry.Rank = entry.Rank == 0 ? 0 : RankOf(priority);
        AddToQueue(entry);
    }

    public void MoveToTop(string runId)
    {
        var entry = RemoveFromQueue(runId) ?? throw NotQueued(runId);
        entry.Rank = 0;
        entry.Order = Runs.NextHeadOrder--;
        AddToQueue(entry);
    }

    /// <summary>
    /// Drops a deleted credential from the plans. Queued runs whose plan is left empty are cancelled; runs assigned
    /// with it and not started are withdrawn, then requeued or, with no credential left, cancelled. Returns whether a plan changed.
    /// </summary>
    public bool DropCredential(CredentialOption credential)
    {
        var deleted = new HashSet<string>(StringComparer.Ordinal) { credential.CredentialId };
        var emptied = new HashSet<string>(StringComparer.Ordinal);
        var plansChanged = false;
        foreach (var (source, plan) in Group.Plans.Where(p => p.Value.Options().Any(o => o.CredentialId == credential.CredentialId)).ToList())
        {
            Group.Plans[source] = plan.Without(deleted);
            plansChanged = true;
            if (Group.Plans[source].OffersNone())
            {
                emptied.Add(source);
            }
        }
        var error = DeletedCredentialText(credential);
        foreach (var entry in Runs.Queued.Values.Where(q => emptied.Contains(q.Run.PlanSource)).ToList())
        {
            RemoveFromQueue(entry.Run.RunId);
            recentlyEnded.Add(entry.Run.RunId, null);
            announcements.Add(new GroupAnnouncement.RunEnded(entry.Run.RunId, RunStatus.Cancelled, RunStatusReason.CredentialDeleted, error));
        }
        foreach (var entry in Runs.Assigned.Values.Where(a => !a.Started && a.Credential.CredentialId == credential.CredentialId).ToList())
        {
            Unassign(entry.Run.RunId);
            announcements.Add(new GroupAnnouncement.MachineWithdrawn(entry.MachineId, entry.Run.RunId, entry.AcknowledgeBy));
            if (PlanOf(entry.Run).OffersNone())
            {
                announcements.Add(new GroupAnnouncement.RunEnded(entry.Run.RunId, RunStatus.Cancelled, RunStatusReason.CredentialDeleted, error));
            }
            else
            {
                Requeue(entry, entry.Attempts - 1, RunStatusReason.AssignmentRevoked);
            }
        }
        return plansChanged;
    }

    public static string DeletedCredentialText(CredentialOption credential) =>
        $"Credential '{credential.Name}' ({credential.CredentialId}) was deleted.";

    /// <summary>Acts on every deadline due by now, earliest first.</summary>
    public void ExpireDue()
    {
        var now = utcNow();
        while (deadlines.Count > 0 && deadlines.Min is var next && next.At <= now)
        {
            deadlines.Remove(next);
            Expire(next.RunId);
        }
    }

    /// <summary>Runs on a machine that went away: not yet started ones go back to the head; started ones fail, or retry if they may.</summary>
    public void LoseRuns(string machineId)
    {
        foreach (var entry in Runs.Assigned.Values.Where(a => a.MachineId == machineId).ToList())
        {
            Unassign(entry.Run.RunId);
            if (!entry.Started)
            {
                Requeue(entry, entry.Attempts - 1, RunStatusReason.AssignmentRevoked);
            }
            else if (entry.Attempts < entry.Run.MaxAttempts)
            {
                Requeue(entry, entry.Attempts, RunStatusReason.MachineLost);
            }
            else
            {
                announcements.Add(new GroupAnnouncement.RunEnded(entry.Run.RunId, RunStatus.Failed, RunStatusReason.MachineLost));
            }
        }
    }

    /// <summary>Places runs while any lane's head fits a machine, best (rank, order) first.</summary>
    public void Schedule()
    {
        while (true)
        {
            QueueKey? best = null;
            var (bestMachine, bestCredential) = ("", default(CredentialOption));
            foreach (var head in queue.Heads)
            {
                if ((best is null || QueueKey.Comparer.Compare(head, best) < 0)
                    && Placement.TryPlace(Runs.Queued[head.RunId].Run, PlanOf(Runs.Queued[head.RunId].Run), Group, out var machineId, out var credential))
                {
                    (best, bestMachine, bestCredential) = (head, machineId, credential);
                }
            }
            if (best is null)
            {
                return;
            }
            Assign(RemoveFromQueue(best.RunId)!, bestMachine, bestCredential!);
        }
    }

    public IReadOnlyList<QueuedRunView> QueueInOrder()
    {
        var views = new List<QueuedRunView>(queue.Count);
        var laneReasons = new Dictionary<(string, RunMode), (string Reason, int Seen)>();
        foreach (var key in queue.InOrder())
        {
            var run = Runs.Queued[key.RunId].Run;
            var lane = (key.Source, key.Mode);
            var (reason, seen) = laneReasons.TryGetValue(lane, out var known) ? known : (Placement.WaitReason(run, PlanOf(run), Group), 0);
            laneReasons[lane] = (reason, seen + 1);
            var text = seen == 0 ? reason : $"Behind {seen} earlier run{(seen == 1 ? "" : "s")} of the same connection. {reason}";
            views.Add(new QueuedRunView(run.RunId, run.Priority, views.Count + 1, run.EnqueuedAt, text));
        }
        return views;
    }

    public IReadOnlyList<RunNotEnded> RunsIn(RunStatus status)
    {
        IEnumerable<GroupRun> runs = status switch
        {
            RunStatus.Queued => Runs.Queued.Values.Select(q => q.Run),
            RunStatus.Assigned or RunStatus.Running => Runs.Assigned.Values.Where(a => a.Started == (status == RunStatus.Running)).Select(a => a.Run),
            _ => [],
        };
        return [.. runs.Select(r => new RunNotEnded(r.RunId, r.EnqueuedAt))];
    }

    public IReadOnlyList<PlacedRun> RunsOn(string machineId) =>
        [.. Runs.Assigned.Values.Where(a => a.MachineId == machineId).Select(a => new PlacedRun(OfferOf(a), a.Started))];

    public RunPlacement? PlacementOf(string runId) =>
        Runs.Assigned.TryGetValue(runId, out var entry) ? PlacementOf(entry)
            : Runs.Queued.ContainsKey(runId) ? null
            : recentlyEnded.PlacementOf(runId);

    private void Expire(string runId)
    {
        if (Runs.Queued.ContainsKey(runId))
        {
            RemoveFromQueue(runId);
            recentlyEnded.Add(runId, null);
            announcements.Add(new GroupAnnouncement.RunEnded(runId, RunStatus.TimedOut, RunStatusReason.QueueTimeout));
        }
        else if (Runs.Assigned.TryGetValue(runId, out var assigned))
        {
            Unassign(runId);
            announcements.Add(new GroupAnnouncement.MachineWithdrawn(assigned.MachineId, runId, assigned.AcknowledgeBy));
            if (assigned.Started)
            {
                announcements.Add(new GroupAnnouncement.RunEnded(runId, RunStatus.TimedOut, RunStatusReason.RunTimeout));
            }
            else
            {
                Requeue(assigned, assigned.Attempts - 1, RunStatusReason.AssignmentRevoked);
            }
        }
    }

    private void Requeue(AssignedEntry assigned, int attempts, string reason)
    {
        AddToQueue(new QueuedEntry { Run = assigned.Run, Rank = RankOf(assigned.Run.Priority), Order = Runs.NextHeadOrder--, Attempts = attempts });
        announcements.Add(new GroupAnnouncement.RunRequeued(assigned.Run.RunId, reason));
    }

    private void Assign(QueuedEntry entry, string machineId, CredentialOption credential)
    {
        var now = utcNow();
        var run = entry.Run;
        var assigned = new AssignedEntry
        {
            Run = run,
            MachineId = machineId,
            Credential = credential,
            AssignedAt = now,
            AcknowledgeBy = now + acknowledgeTimeout,
            Attempts = entry.Attempts + 1,
        };
        Runs.Assigned[run.RunId] = assigned;
        changedRuns.Add(run.RunId);
        Group.Members[machineId].BusyUsers[run.RunId] = credential.Username;
        deadlines.Add((assigned.AcknowledgeBy, run.RunId));
        announcements.Add(new GroupAnnouncement.RunAssigned(run.RunId, machineId, credential, now));
        announcements.Add(new GroupAnnouncement.MachineOffered(machineId, OfferOf(assigned)));
    }

    private static Assignment OfferOf(AssignedEntry assigned) => new(
        assigned.Run.RunId,
        assigned.Run.FlowId,
        assigned.Run.RunMode,
        assigned.Credential.CredentialId,
        assigned.Credential.Username,
        assigned.AcknowledgeBy,
        assigned.RunDeadline ?? assigned.AcknowledgeBy + assigned.Run.RunTimeout,
        assigned.Run.EnqueuedAt);

    private CredentialPlan PlanOf(GroupRun run) =>
        Group.Plans.TryGetValue(run.PlanSource, out var plan) ? plan : new CredentialPlan(run.PlanSource, null, new Dictionary<string, IReadOnlyList<CredentialOption>>());

    private void AddToQueue(QueuedEntry entry)
    {
        Runs.Queued[entry.Run.RunId] = entry;
        changedRuns.Add(entry.Run.RunId);
        queue.Add(entry);
        deadlines.Add((entry.Run.QueueDeadline, entry.Run.RunId));
    }

    private QueuedEntry? RemoveFromQueue(string runId)
    {
        if (!Runs.Queued.Remove(runId, out var entry))
        {
            return null;
        }
        changedRuns.Add(runId);
        queue.Remove(runId);
        deadlines.Remove((entry.Run.QueueDeadline, runId));
        return entry;
    }

    private AssignedEntry? Unassign(string runId)
    {
        if (!Runs.Assigned.Remove(runId, out var entry))
        {
            return null;
        }
        changedRuns.Add(runId);
        deadlines.Remove((Deadline(entry), runId));
        recentlyEnded.Add(runId, PlacementOf(entry));
        if (Group.Members.TryGetValue(entry.MachineId, out var member))
        {
            member.BusyUsers.Remove(runId);
        }
        return entry;
    }

    private static RunPlacement PlacementOf(AssignedEntry entry) => new(entry.MachineId, entry.Credential, entry.AssignedAt, entry.StartedAt, entry.Attempts);

    /// <summary>The deadline an assigned run is waiting on: the agent's acknowledgement, then the run timeout.</summary>
    private static DateTimeOffset Deadline(AssignedEntry entry) => entry.Started && entry.RunDeadline is { } due ? due : entry.AcknowledgeBy;

    private static int RankOf(RunPriority priority) => (int)Validate.Enum(priority, "priority") + 1;

    private static DomainException NotQueued(string runId) => new(DomainErrorCode.InvalidState, $"Run {runId} is not queued.");
}
