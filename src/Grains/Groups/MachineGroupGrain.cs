using MachineGrid.Runtime;
using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// A machine group: details, access, password, members, and the run queue with its scheduler. Every change is made
/// in memory, written durably, and only then announced to runs and machines (one-way, so no call ever waits on a grain
/// that may be waiting on this one). One durable reminder covers the group's earliest deadline: a queued run's queue
/// timeout, an assignment's acknowledgement, a started run's run timeout.
/// </summary>
[Reentrant]
public sealed class MachineGroupGrain : Grain, IMachineGroupGrain
{
    private const string DeadlineReminder = "deadlines";
    private readonly IPersistentState<GroupState> state;
    private readonly GroupRunRows rows;
    private readonly GroupRuns runs = new();
    private readonly HashSet<string> changedRuns = [];
    private readonly IOptions<GridOptions> options;
    private readonly AuditTrail audit;
    private readonly DirectoryIndex directory;
    private readonly StateFlusher flusher;
    private readonly StateFlusher reminderKeeper;
    private readonly GridEvents events;
    private readonly RunQueue queue = new();
    private readonly RecentlyEnded recentlyEnded = new();
    private readonly SortedSet<(DateTimeOffset At, string RunId)> deadlines = [];
    private readonly List<Func<Task>> outbox = [];

    /// <summary>
    /// When each credential was last deleted while this activation ran, as a count of <see cref="CredentialDeleted"/>
    /// calls: an enqueue whose credentials were checked just before one was deleted still leaves it out.
    /// </summary>
    private readonly Dictionary<string, long> credentialDeletions = [];
    private long credentialDeletionCount;
    private DateTimeOffset? reminderDue;

    /// <summary>Whether the next write must include the group's details (not only its runs).</summary>
    private bool detailsChanged;

    /// <summary>Creates the grain. It is reentrant: every operation changes state synchronously, then awaits a coalesced write.</summary>
    public MachineGroupGrain(
        [PersistentState("group")] IPersistentState<GroupState> state,
        GroupRunRows rows,
        IOptions<GridOptions> options, AuditTrail audit, DirectoryIndex directory, GridEvents events)
    {
        this.events = events;
        this.state = state;
        this.rows = rows;
        this.options = options;
        this.audit = audit;
        this.directory = directory;
        flusher = new StateFlusher(WriteAsync);
        reminderKeeper = new StateFlusher(ApplyReminderAsync);
    }

    private GroupState Group => state.State;

    private GroupRuns Runs => runs;

    private GridOptions Limits => options.Value;

    private bool IsSolo => GroupIds.IsSolo(GetPrimaryKeyString());

    private AuditResource Resource => AuditResource.Group(GetPrimaryKeyString());

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await rows.LoadAsync(GetPrimaryKeyString(), Runs);
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
        reminderDue = (await GetReminder(DeadlineReminder))?.StartAt;
        await reminderKeeper.FlushAsync();
    }

    /// <inheritdoc />
    public async Task<GroupView> Create(Actor actor, CreateGroup request)
    {
        AccessPolicy.DemandRole(actor, GridAction.CreateGroup);
        DomainException.Require(!IsSolo, "This group id is reserved.");
        if (Group.Created)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Group {GetPrimaryKeyString()} already exists.");
        }
        var name = Validate.Name(request.Name, "name", Limits.MaxNameLength);
        var description = Validate.Optional(request.Description, "description", Limits.MaxDescriptionLength);
        Group.Created = true;
        Group.Name = name;
        Group.Description = description;
        Group.Access.Owner = actor.Ref;
        detailsChanged = true;
        await SaveAsync();
        await directory.SyncAsync("group", GetPrimaryKeyString(), null, Group.Access.Principals());
        await audit.RecordAsync(actor.Id, "group.create", Resource, null, new { name, description });
        return View(actor);
    }

    /// <inheritdoc />
    public Task<GroupView> Get(Actor actor)
    {
        DemandVisible(actor);
        return Task.FromResult(View(actor));
    }

    /// <inheritdoc />
    public async Task<GroupView> Update(Actor actor, UpdateGroup request)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.EditGroup, "group", GetPrimaryKeyString());
        var before = new { Group.Name, Group.Description, Group.Maintenance };
        var name = request.Name is null ? Group.Name : Validate.Name(request.Name, "name", Limits.MaxNameLength);
        var description = request.Description is null ? Group.Description : Validate.Optional(request.Description, "description", Limits.MaxDescriptionLength);
        Group.Name = name;
        Group.Description = description;
        Group.Maintenance = request.Maintenance ?? Group.Maintenance;
        detailsChanged = true;
        await CommitAsync();
        await audit.RecordAsync(actor.Id, "group.update", Resource, before, new { Group.Name, Group.Description, Group.Maintenance });
        return View(actor);
    }

    /// <inheritdoc />
    public async Task Delete(Actor actor)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.DeleteGroup, "group", GetPrimaryKeyString());
        if (Group.Members.Count > 0)
        {
            throw new DomainException(DomainErrorCode.GroupNotEmpty, $"Group {Group.Name} still has {Group.Members.Count} machines; remove them first.");
        }
        foreach (var runId in Runs.Queued.Keys)
        {
            Announce(runId, run => run.Ended(RunStatus.Cancelled, "GroupDeleted"));
        }
        var name = Group.Name;
        var principals = Group.Access.Principals();
        changedRuns.UnionWith(Runs.Queued.Keys);
        changedRuns.UnionWith(Runs.Assigned.Keys);
        Runs.Queued.Clear();
        Runs.Assigned.Clear();
        state.State = new GroupState();
        detailsChanged = true;
        queue.Clear();
        deadlines.Clear();
        await CommitAsync();
        await directory.SyncAsync("group", GetPrimaryKeyString(), principals, null);
        await audit.RecordAsync(actor.Id, "group.delete", Resource, new { name }, null);
    }

    /// <inheritdoc />
    public async Task ChangePassword(Actor actor, string newPassword)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.EditGroup, "group", GetPrimaryKeyString());
        ValidatePassword(newPassword);
        Group.Password = GroupPassword.Create(newPassword, Limits.PasswordIterations);
        detailsChanged = true;
        await SaveAsync();
        await audit.RecordAsync(actor.Id, "group.password.change", Resource, null, new { changed = true });
    }

    /// <inheritdoc />
    public async Task Share(Actor actor, string principalId, ResourceAccess access)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.ShareGroup, "group", GetPrimaryKeyString());
        Validate.Id(principalId, "principalId");
        DomainException.Require(access is ResourceAccess.User or ResourceAccess.CoOwner, "A group is shared as CoOwner or User.");
        var before = Group.Access.Principals();
        Group.Access.Grant(principalId, access);
        detailsChanged = true;
        await SaveAsync();
        await directory.SyncAsync("group", GetPrimaryKeyString(), before, Group.Access.Principals());
        await audit.RecordAsync(actor.Id, "group.share", Resource, null, new { principalId, access });
    }

    /// <inheritdoc />
    public async Task Unshare(Actor actor, string principalId)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.ShareGroup, "group", GetPrimaryKeyString());
        var before = Group.Access.Principals();
        if (Group.Access.Revoke(principalId))
        {
            detailsChanged = true;
            await SaveAsync();
            await directory.SyncAsync("group", GetPrimaryKeyString(), before, Group.Access.Principals());
            await audit.RecordAsync(actor.Id, "group.unshare", Resource, new { principalId }, null);
        }
    }

    /// <inheritdoc />
    public Task<ResourceAccess?> AccessOf(Actor actor) =>
        IsSolo
            ? GrainFactory.GetGrain<IMachineGrain>(GetPrimaryKeyString()[GroupIds.SoloFor("").Length..]).AccessOf(actor)
            : Task.FromResult(Group.Created ? AccessFor(actor) : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<MachineAvailability>> GetMachines(Actor actor)
    {
        DemandVisible(actor);
        return Task.FromResult<IReadOnlyList<MachineAvailability>>([.. Group.Members.Values.Select(m => m.Machine)]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueuedRunView>> GetQueue(Actor actor)
    {
        DemandVisible(actor);
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
        return Task.FromResult<IReadOnlyList<QueuedRunView>>(views);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunNotEnded>> RunsIn(RunStatus status)
    {
        IEnumerable<GroupRun> runs = status switch
        {
            RunStatus.Queued => Runs.Queued.Values.Select(q => q.Run),
            RunStatus.Assigned or RunStatus.Running => Runs.Assigned.Values.Where(a => a.Started == (status == RunStatus.Running)).Select(a => a.Run),
            _ => [],
        };
        return Task.FromResult<IReadOnlyList<RunNotEnded>>([.. runs.Select(r => new RunNotEnded(r.RunId, r.EnqueuedAt))]);
    }

    /// <inheritdoc />
    public async Task AddMachine(Actor actor, MachineAvailability machine, string password)
    {
        if (IsSolo)
        {
            Group.Created = true;
            Attach(machine);
            await CommitAsync();
            return;
        }
        EnsureCreated();
        if (Group.Members.ContainsKey(machine.MachineId))
        {
            return;
        }
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.AddMachineToGroup, "group", GetPrimaryKeyString());
        ValidatePassword(password);
        if (Group.Password is null)
        {
            Group.Password = GroupPassword.Create(password, Limits.PasswordIterations);
        }
        else if (!Group.Password.Matches(password))
        {
            throw new DomainException(DomainErrorCode.WrongGroupPassword, $"The password for group {Group.Name} is wrong.");
        }
        if (Group.Members.Count >= Limits.MaxMachinesPerGroup)
        {
            throw new DomainException(DomainErrorCode.GroupFull, $"Group {Group.Name} already has {Limits.MaxMachinesPerGroup} machines, its maximum.");
        }
        Attach(machine);
        await CommitAsync();
        await audit.RecordAsync(actor.Id, "group.machine.add", Resource, null, new { machine.MachineId, machine.Name });
    }

    /// <inheritdoc />
    public async Task RemoveMachine(string machineId)
    {
        if (!Group.Members.ContainsKey(machineId))
        {
            return;
        }
        LoseRuns(machineId);
        Group.Members.Remove(machineId);
        detailsChanged = true;
        await CommitAsync();
    }

    /// <inheritdoc />
    public async Task UpdateMachine(MachineAvailability machine)
    {
        if (!Group.Members.TryGetValue(machine.MachineId, out var member))
        {
            if (!IsSolo)
            {
                return;
            }
            Group.Created = true;
            Attach(machine);
        }
        else
        {
            member.Machine = machine;
            detailsChanged = true;
            if (!machine.Online)
            {
                LoseRuns(machine.MachineId);
            }
        }
        await CommitAsync();
    }

    /// <inheritdoc />
    public async Task Enqueue(QueuedRun run)
    {
        if (Holds(run.RunId))
        {
            return;
        }
        DemandQueue();
        var plan = run.Plan;
        if (!Group.Plans.TryGetValue(plan.SourceId, out var known) || !known.SameAs(plan))
        {
            plan = await WithoutDeletedCredentialsAsync(plan);
            if (Holds(run.RunId))
            {
                return;
            }
            DemandQueue();
        }
        if (!Group.Created)
        {
            Group.Created = true;
            detailsChanged = true;
        }
        if (!Group.Plans.TryGetValue(plan.SourceId, out known) || !known.SameAs(plan))
        {
            detailsChanged = true;
        }
        // Keep the newest instance even when equal: the next runs bring the same instance, which compares by reference.
        Group.Plans[plan.SourceId] = plan;
        AddToQueue(new QueuedEntry { Run = GroupRun.From(run), Rank = RankOf(run.Priority), Order = Runs.NextOrder++ });
        await CommitAsync();
    }

    /// <summary>A group must exist to take runs; a machine's own queue comes into being with its first run.</summary>
    private void DemandQueue()
    {
        if (!Group.Created && !IsSolo)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Group {GetPrimaryKeyString()} does not exist.");
        }
    }

    private bool Holds(string runId) => Runs.Queued.ContainsKey(runId) || Runs.Assigned.ContainsKey(runId) || recentlyEnded.Contains(runId);

    /// <summary>
    /// The plan without credentials that were deleted. A credential that no plan here offered yet is first tracked by the
    /// credential, which then tells this group when it is deleted; one already deleted is left out. A plan left with no
    /// credential at all is refused: its runs could never be placed.
    /// </summary>
    private async Task<CredentialPlan> WithoutDeletedCredentialsAsync(CredentialPlan plan)
    {
        var offered = plan.Options().ToList();
        var held = Group.Plans.Values.SelectMany(p => p.Options()).Select(o => o.CredentialId).ToHashSet(StringComparer.Ordinal);
        var untracked = offered.Where(o => !held.Contains(o.CredentialId)).ToList();
        var deletionsBefore = credentialDeletionCount;
        var tracked = await Task.WhenAll(untracked.Select(o => GrainFactory.GetGrain<ICredentialGrain>(o.CredentialId).TrackQueue(GetPrimaryKeyString())));
        var deletedMeanwhile = offered.Where(o => credentialDeletions.GetValueOrDefault(o.CredentialId) > deletionsBefore);
        var gone = untracked.Where((_, i) => !tracked[i]).Concat(deletedMeanwhile).ToList();
        if (gone.Count == 0)
        {
            return plan;
        }
        var remaining = plan.Without(gone.Select(o => o.CredentialId).ToHashSet(StringComparer.Ordinal));
        if (remaining.OffersNone())
        {
            throw new DomainException(DomainErrorCode.NotFound, DeletedCredentialText(gone[0]));
        }
        return remaining;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PlacedRun>> RunsOn(string machineId) =>
        Task.FromResult<IReadOnlyList<PlacedRun>>([.. Runs.Assigned.Values.Where(a => a.MachineId == machineId).Select(a => new PlacedRun(OfferOf(a), a.Started))]);

    /// <inheritdoc />
    public Task<RunPlacement?> PlacementOf(string runId) =>
        Task.FromResult(Runs.Assigned.TryGetValue(runId, out var entry) ? PlacementOf(entry)
            : Runs.Queued.ContainsKey(runId) ? null
            : recentlyEnded.PlacementOf(runId));

    /// <inheritdoc />
    public async Task RunStarted(string runId, string machineId)
    {
        if (!Runs.Assigned.TryGetValue(runId, out var entry) || entry.MachineId != machineId)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"Run {runId} is not assigned to machine {machineId}.");
        }
        if (!entry.Started)
        {
            deadlines.Remove((entry.AcknowledgeBy, runId));
            entry.Started = true;
            entry.StartedAt = TimeProvider.GetUtcNow();
            entry.RunDeadline = entry.StartedAt + entry.Run.RunTimeout;
            deadlines.Add((entry.RunDeadline.Value, runId));
            changedRuns.Add(runId);
            await CommitAsync();
        }
    }

    /// <inheritdoc />
    public async Task RunEnded(string runId)
    {
        if (Unassign(runId) is not null)
        {
            await CommitAsync();
        }
    }

    /// <inheritdoc />
    public async Task Remove(string runId)
    {
        if (RemoveFromQueue(runId) is not null)
        {
            recentlyEnded.Add(runId, null);
        }
        else if (Unassign(runId) is { } assigned)
        {
            AnnounceToMachine(assigned.MachineId, machine => machine.Withdraw(runId));
        }
        await CommitAsync();
    }

    /// <inheritdoc />
    public async Task Reprioritize(string runId, RunPriority priority)
    {
        var entry = RemoveFromQueue(runId) ?? throw NotQueued(runId);
        entry.Run = entry.Run with { Priority = priority };
        entry.Rank = entry.Rank == 0 ? 0 : RankOf(priority);
        AddToQueue(entry);
        await CommitAsync();
    }

    /// <inheritdoc />
    public async Task MoveToTop(string runId)
    {
        var entry = RemoveFromQueue(runId) ?? throw NotQueued(runId);
        entry.Rank = 0;
        entry.Order = Runs.NextHeadOrder--;
        AddToQueue(entry);
        await CommitAsync();
    }

    /// <inheritdoc />
    public async Task CredentialFailed(string machineId, string credentialId)
    {
        if (Group.Members.TryGetValue(machineId, out var member) && !member.Machine.FailedCredentials.Contains(credentialId))
        {
            member.Machine = member.Machine with { FailedCredentials = [.. member.Machine.FailedCredentials, credentialId] };
            detailsChanged = true;
            await CommitAsync();
        }
    }

    /// <inheritdoc />
    public async Task CredentialDeleted(CredentialOption credential)
    {
        credentialDeletions[credential.CredentialId] = ++credentialDeletionCount;
        var deleted = new HashSet<string>(StringComparer.Ordinal) { credential.CredentialId };
        var emptied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (source, plan) in Group.Plans.Where(p => p.Value.Options().Any(o => o.CredentialId == credential.CredentialId)).ToList())
        {
            Group.Plans[source] = plan.Without(deleted);
            detailsChanged = true;
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
            Announce(entry.Run.RunId, run => run.Ended(RunStatus.Cancelled, RunStatusReason.CredentialDeleted, error));
        }
        foreach (var entry in Runs.Assigned.Values.Where(a => !a.Started && a.Credential.CredentialId == credential.CredentialId).ToList())
        {
            Unassign(entry.Run.RunId);
            AnnounceToMachine(entry.MachineId, machine => machine.Withdraw(entry.Run.RunId));
            if (PlanOf(entry.Run).OffersNone())
            {
                Announce(entry.Run.RunId, run => run.Ended(RunStatus.Cancelled, RunStatusReason.CredentialDeleted, error));
            }
            else
            {
                Requeue(entry, entry.Attempts - 1, RunStatusReason.AssignmentRevoked);
            }
        }
        if (detailsChanged || changedRuns.Count > 0)
        {
            await CommitAsync();
        }
    }

    private static string DeletedCredentialText(CredentialOption credential) =>
        $"Credential '{credential.Name}' ({credential.CredentialId}) was deleted.";

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        reminderDue = null;
        var now = TimeProvider.GetUtcNow();
        while (deadlines.Count > 0 && deadlines.Min is var next && next.At <= now)
        {
            deadlines.Remove(next);
            Expire(next.RunId);
        }
        await CommitAsync();
    }

    private void Expire(string runId)
    {
        if (Runs.Queued.ContainsKey(runId))
        {
            RemoveFromQueue(runId);
            recentlyEnded.Add(runId, null);
            Announce(runId, run => run.Ended(RunStatus.TimedOut, RunStatusReason.QueueTimeout));
        }
        else if (Runs.Assigned.TryGetValue(runId, out var assigned))
        {
            Unassign(runId);
            AnnounceToMachine(assigned.MachineId, machine => machine.Withdraw(runId));
            if (assigned.Started)
            {
                Announce(runId, run => run.Ended(RunStatus.TimedOut, RunStatusReason.RunTimeout));
            }
            else
            {
                Requeue(assigned, assigned.Attempts - 1, RunStatusReason.AssignmentRevoked);
            }
        }
    }

    /// <summary>Runs on a machine that went away: not yet started ones go back to the head; started ones fail, or retry if they may.</summary>
    private void LoseRuns(string machineId)
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
                Announce(entry.Run.RunId, run => run.Ended(RunStatus.Failed, RunStatusReason.MachineLost));
            }
        }
    }

    private void Requeue(AssignedEntry assigned, int attempts, string reason)
    {
        AddToQueue(new QueuedEntry { Run = assigned.Run, Rank = RankOf(assigned.Run.Priority), Order = Runs.NextHeadOrder--, Attempts = attempts });
        Announce(assigned.Run.RunId, run => run.Requeued(reason));
    }

    /// <summary>Places runs while any lane's head fits a machine, best (rank, order) first.</summary>
    private void Schedule()
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

    private void Assign(QueuedEntry entry, string machineId, CredentialOption credential)
    {
        var now = TimeProvider.GetUtcNow();
        var run = entry.Run;
        var assigned = new AssignedEntry
        {
            Run = run,
            MachineId = machineId,
            Credential = credential,
            AssignedAt = now,
            AcknowledgeBy = now + Limits.AssignmentAckTimeout,
            Attempts = entry.Attempts + 1,
        };
        Runs.Assigned[run.RunId] = assigned;
        changedRuns.Add(run.RunId);
        Group.Members[machineId].BusyUsers[run.RunId] = credential.Username;
        deadlines.Add((assigned.AcknowledgeBy, run.RunId));
        var offer = OfferOf(assigned);
        Announce(run.RunId, r => r.Assigned(machineId, credential, now));
        AnnounceToMachine(machineId, machine => machine.Offer(offer));
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

    private void Attach(MachineAvailability machine)
    {
        Group.Members[machine.MachineId] = new MemberState { Machine = machine };
        detailsChanged = true;
    }

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

    private void Announce(string runId, Func<IRunGrain, Task> send) =>
        outbox.Add(() => send(GrainFactory.GetGrain<IRunGrain>(runId)));

    private void AnnounceToMachine(string machineId, Func<IMachineGrain, Task> send) =>
        outbox.Add(() => send(GrainFactory.GetGrain<IMachineGrain>(machineId)));

    /// <summary>Schedules, writes, then announces: nothing is announced that is not durable.</summary>
    private async Task CommitAsync()
    {
        Schedule();
        var sends = outbox.ToList();
        outbox.Clear();
        await SaveAsync();
        await reminderKeeper.FlushAsync();
        foreach (var send in sends)
        {
            await send();
        }
    }

    /// <summary>
    /// Writes what changed. Run rows alone are written at once: the storage applies and flushes writes in the order they
    /// were made, so they need not wait for one another. The details carry an ETag, so they go one write at a time
    /// through <see cref="flusher"/>, and while it is busy, rows join it too (so a caller is answered only after a write
    /// that carries all of its changes).
    /// </summary>
    private Task SaveAsync()
    {
        events.GroupChanged(GetPrimaryKeyString());
        return detailsChanged || flusher.IsBusy ? flusher.FlushAsync() : WriteRowsAsync();
    }

    private async Task WriteRowsAsync()
    {
        var changed = changedRuns.ToList();
        changedRuns.Clear();
        try
        {
            await rows.SaveAsync(GetPrimaryKeyString(), Runs, changed);
        }
        catch
        {
            changedRuns.UnionWith(changed);
            throw;
        }
    }

    /// <summary>Writes the rows of the runs that changed, and the details when they changed; both go into the same group commit.</summary>
    private async Task WriteAsync()
    {
        var details = detailsChanged;
        var changed = changedRuns.ToList();
        detailsChanged = false;
        changedRuns.Clear();
        try
        {
            var runsWritten = rows.SaveAsync(GetPrimaryKeyString(), Runs, changed);
            await (details ? Task.WhenAll(state.WriteStateAsync(), runsWritten) : runsWritten);
        }
        catch
        {
            detailsChanged |= details;
            changedRuns.UnionWith(changed);
            throw;
        }
    }

    /// <summary>Keeps one durable reminder at (or before) the earliest deadline. Runs only through <see cref="reminderKeeper"/>, one at a time.</summary>
    private async Task ApplyReminderAsync()
    {
        if (deadlines.Count == 0)
        {
            if (reminderDue is not null)
            {
                reminderDue = null;
                if (await GetReminder(DeadlineReminder) is { } reminder)
                {
                    await UnregisterReminder(reminder);
                }
            }
            return;
        }
        var next = deadlines.Min.At;
        if (reminderDue is null || next < reminderDue)
        {
            reminderDue = next;
            await RegisterOrUpdateReminder(DeadlineReminder, next);
        }
    }

    private ResourceAccess? AccessFor(Actor actor) =>
        Group.Access.Of(actor.Id) ?? (actor.IsAdmin ? ResourceAccess.CoOwner : null);

    private void DemandVisible(Actor actor)
    {
        EnsureCreated();
        if (AccessFor(actor) is null)
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has no access to group {GetPrimaryKeyString()}.");
        }
    }

    private void EnsureCreated()
    {
        if (!Group.Created || IsSolo)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Group {GetPrimaryKeyString()} does not exist.");
        }
    }

    private static void ValidatePassword(string? password) =>
        DomainException.Require(password is { Length: >= 8 and <= 256 }, "The group password must be 8 to 256 characters.");

    private static int RankOf(RunPriority priority) => (int)Validate.Enum(priority, "priority") + 1;

    private static DomainException NotQueued(string runId) => new(DomainErrorCode.InvalidState, $"Run {runId} is not queued.");

    private GroupView View(Actor actor) => new(
        GetPrimaryKeyString(),
        Group.Name,
        Group.Description,
        Group.Members.Count,
        Runs.Assigned.Count,
        Runs.Queued.Count,
        AccessFor(actor),
        Group.Access.Owner ?? new PrincipalRef("", ""),
        Group.Maintenance,
        Group.Password is not null);
}
