using MachineGrid.Persistence;
using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// A machine group: details, access, password, members, and the run queue with its scheduler. Every change is made
/// in memory, written durably, and only then announced to runs and machines (one-way, so no call ever waits on a grain
/// that may be waiting on this one). One durable reminder covers the group's earliest deadline: a queued run's queue
/// timeout, an assignment's acknowledgement, a started run's run timeout.
/// </summary>
[Reentrant]
internal sealed class MachineGroupGrain : Grain, IMachineGroupGrain
{
    private readonly IPersistentState<GroupState> state;
    private readonly GroupScheduler scheduler;
    private readonly GroupPlans plans;
    private readonly GroupStore store;
    private readonly DeadlineAlarm alarm;
    private readonly IOptions<GridOptions> options;
    private readonly AuditTrail audit;
    private readonly DirectoryIndex directory;
    private readonly GridEvents events;
    private readonly DeadlineTimer timer;
    private readonly QueueDepth queueDepth = new();

    /// <summary>Creates the grain. It is reentrant: every operation changes state synchronously, then awaits a coalesced write.</summary>
    public MachineGroupGrain(
        [PersistentState("group")] IPersistentState<GroupState> state,
        GroupRunRows rows,
        IOptions<GridOptions> options, AuditTrail audit, DirectoryIndex directory, GridEvents events,
        TimeProvider time, IOptions<ReminderOptions> reminders)
    {
        timer = new DeadlineTimer(this, time, reminders.Value.MinimumReminderPeriod, ExpireDueAsync);
        this.events = events;
        this.state = state;
        this.options = options;
        this.audit = audit;
        this.directory = directory;
        scheduler = new GroupScheduler(() => this.state.State, options.Value.AssignmentAckTimeout, time.GetUtcNow);
        plans = new GroupPlans(() => this.state.State);
        store = new GroupStore(rows, this.GetPrimaryKeyString, scheduler, () => this.state.WriteStateAsync());
        alarm = new DeadlineAlarm(() => scheduler.NextDeadline, timer.ArmAsync, timer.DisarmAsync);
    }

    private GroupState Group => state.State;

    private GridOptions Limits => options.Value;

    private bool IsSolo => GroupIds.IsSolo(this.GetPrimaryKeyString());

    private AuditResource Resource => AuditResource.Group(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await store.LoadAsync();
        await alarm.StartAsync(await timer.LoadAsync() ? DateTimeOffset.MaxValue : null);
        queueDepth.Report(scheduler.Runs.Queued.Count);
        if (scheduler.Runs.Queued.Count > 0)
        {
            // After a failover the runs that freed a machine may have ended while no activation was here to hear it
            // (a run deletes its own row): place what waits now, not at the next call or the backstop reminder.
            await CommitAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        queueDepth.Dispose();
        return Task.CompletedTask;
    }

    public async Task<GroupView> Create(Actor actor, CreateGroup request)
    {
        AccessPolicy.DemandRole(actor, GridAction.CreateGroup);
        DomainException.Require(!IsSolo, "This group id is reserved.");
        if (Group.Created)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Group {this.GetPrimaryKeyString()} already exists.");
        }
        var name = Validate.Name(request.Name, "name", Limits.MaxNameLength);
        var description = Validate.Optional(request.Description, "description", Limits.MaxDescriptionLength);
        Group.Created = true;
        Group.Name = name;
        Group.Description = description;
        Group.Access.Owner = actor.Ref;
        store.DetailsChanged = true;
        await SaveAsync();
        await directory.SyncAsync("group", this.GetPrimaryKeyString(), null, Group.Access.Principals());
        await audit.RecordAsync(actor.Id, "group.create", Resource, null, new { name, description });
        return View(actor);
    }

    public Task<GroupView> Get(Actor actor)
    {
        DemandVisible(actor);
        return Task.FromResult(View(actor));
    }

    public async Task<GroupView> Update(Actor actor, UpdateGroup request)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.EditGroup, "group", this.GetPrimaryKeyString());
        var before = new { Group.Name, Group.Description, Group.Maintenance };
        var name = request.Name is null ? Group.Name : Validate.Name(request.Name, "name", Limits.MaxNameLength);
        var description = request.Description is null ? Group.Description : Validate.Optional(request.Description, "description", Limits.MaxDescriptionLength);
        Group.Name = name;
        Group.Description = description;
        Group.Maintenance = request.Maintenance ?? Group.Maintenance;
        store.DetailsChanged = true;
        await CommitAsync();
        await audit.RecordAsync(actor.Id, "group.update", Resource, before, new { Group.Name, Group.Description, Group.Maintenance });
        return View(actor);
    }

    public async Task Delete(Actor actor)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.DeleteGroup, "group", this.GetPrimaryKeyString());
        if (Group.Members.Count > 0)
        {
            throw new DomainException(DomainErrorCode.GroupNotEmpty, $"Group {Group.Name} still has {Group.Members.Count} machines; remove them first.");
        }
        scheduler.Clear();
        var name = Group.Name;
        var principals = Group.Access.Principals();
        var watchers = Group.AccessWatchers;
        state.State = new GroupState();
        store.DetailsChanged = true;
        await CommitAsync();
        await GroupAccessWatchers.TellAsync(GrainFactory, watchers);
        await directory.SyncAsync("group", this.GetPrimaryKeyString(), principals, null);
        await audit.RecordAsync(actor.Id, "group.delete", Resource, new { name }, null);
    }

    public async Task ChangePassword(Actor actor, string newPassword)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.EditGroup, "group", this.GetPrimaryKeyString());
        GroupAdmission.ValidatePassword(newPassword);
        Group.Password = GroupPassword.Create(newPassword, Limits.PasswordIterations);
        store.DetailsChanged = true;
        await SaveAsync();
        await audit.RecordAsync(actor.Id, "group.password.change", Resource, null, new { changed = true });
    }

    public async Task Share(Actor actor, string principalId, ResourceAccess access)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.ShareGroup, "group", this.GetPrimaryKeyString());
        Validate.Id(principalId, "principalId");
        DomainException.Require(access is ResourceAccess.User or ResourceAccess.CoOwner, "A group is shared as CoOwner or User.");
        var before = Group.Access.Principals();
        Group.Access.Grant(principalId, access);
        store.DetailsChanged = true;
        await SaveAsync();
        await GroupAccessWatchers.TellAsync(GrainFactory, Group.AccessWatchers);
        await directory.SyncAsync("group", this.GetPrimaryKeyString(), before, Group.Access.Principals());
        await audit.RecordAsync(actor.Id, "group.share", Resource, null, new { principalId, access });
    }

    public async Task Unshare(Actor actor, string principalId)
    {
        EnsureCreated();
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.ShareGroup, "group", this.GetPrimaryKeyString());
        var before = Group.Access.Principals();
        if (Group.Access.Revoke(principalId))
        {
            store.DetailsChanged = true;
            await SaveAsync();
            await GroupAccessWatchers.TellAsync(GrainFactory, Group.AccessWatchers);
            await directory.SyncAsync("group", this.GetPrimaryKeyString(), before, Group.Access.Principals());
            await audit.RecordAsync(actor.Id, "group.unshare", Resource, new { principalId }, null);
            return;
        }
        // A retry after telling the connections failed (the share was already gone): tell them again.
        await GroupAccessWatchers.TellAsync(GrainFactory, Group.AccessWatchers);
    }

    public Task<ResourceAccess?> AccessOf(Actor actor) =>
        IsSolo
            ? GrainFactory.GetGrain<IMachineGrain>(this.GetPrimaryKeyString()[GroupIds.SoloFor("").Length..]).AccessOf(actor)
            : Task.FromResult(Group.Created ? AccessFor(actor) : null);

    public async Task<ResourceAccess?> WatchedAccessOf(string connectionId, string principalId, bool isAdmin)
    {
        if (!Group.Created || IsSolo)
        {
            return null;
        }
        if (Group.AccessWatchers.Add(connectionId))
        {
            store.DetailsChanged = true;
            await SaveAsync();
        }
        return Group.Created ? AccessFor(principalId, isAdmin) : null;
    }

    public Task<IReadOnlyList<MachineAvailability>> GetMachines(Actor actor)
    {
        DemandVisible(actor);
        return Task.FromResult<IReadOnlyList<MachineAvailability>>([.. Group.Members.Values.Select(m => m.Machine)]);
    }

    public Task<IReadOnlyList<QueuedRunView>> GetQueue(Actor actor)
    {
        DemandVisible(actor);
        return Task.FromResult(scheduler.QueueInOrder());
    }

    public Task<IReadOnlyList<RunNotEnded>> RunsIn(RunStatus status) => Task.FromResult(scheduler.RunsIn(status));

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
        AccessPolicy.Demand(actor, AccessFor(actor), GridAction.AddMachineToGroup, "group", this.GetPrimaryKeyString());
        GroupAdmission.Admit(Group, password, Limits);
        Attach(machine);
        await CommitAsync();
        await audit.RecordAsync(actor.Id, "group.machine.add", Resource, null, new { machine.MachineId, machine.Name });
    }

    public async Task RemoveMachine(string machineId)
    {
        if (!Group.Members.ContainsKey(machineId))
        {
            return;
        }
        scheduler.LoseRuns(machineId);
        Group.Members.Remove(machineId);
        store.DetailsChanged = true;
        await CommitAsync();
    }

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
            store.DetailsChanged = true;
            if (!machine.Online)
            {
                scheduler.LoseRuns(machine.MachineId);
            }
        }
        await CommitAsync();
    }

    public async Task Enqueue(QueuedRun run)
    {
        if (scheduler.Holds(run.RunId))
        {
            return;
        }
        DemandQueue();
        var plan = run.Plan;
        if (!plans.Holds(plan))
        {
            plan = await plans.WithoutDeletedAsync(plan, o => GrainFactory.GetGrain<ICredentialGrain>(o.CredentialId).TrackQueue(this.GetPrimaryKeyString()));
            if (scheduler.Holds(run.RunId))
            {
                return;
            }
            DemandQueue();
        }
        if (!Group.Created)
        {
            Group.Created = true;
            store.DetailsChanged = true;
        }
        if (plans.Keep(plan))
        {
            store.DetailsChanged = true;
        }
        scheduler.Enqueue(GroupRun.From(run));
        await CommitAsync();
    }

    /// <summary>A group must exist to take runs; a machine's own queue comes into being with its first run.</summary>
    private void DemandQueue()
    {
        if (!Group.Created && !IsSolo)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Group {this.GetPrimaryKeyString()} does not exist.");
        }
    }

    public Task<IReadOnlyList<PlacedRun>> RunsOn(string machineId) => Task.FromResult(scheduler.RunsOn(machineId));

    public Task<RunPlacement?> PlacementOf(string runId) => Task.FromResult(scheduler.PlacementOf(runId));

    public Task RunStarted(string runId, string machineId) => scheduler.Start(runId, machineId) ? CommitAsync() : Task.CompletedTask;

    public async Task RunEnded(string runId)
    {
        using var urgent = WritePriority.Urgent(); // it hands the freed session its next run: it passes queued submissions
        await (scheduler.End(runId) ? CommitAsync() : Task.CompletedTask);
    }

    public Task Remove(string runId) => CommitAsync(() => scheduler.Remove(runId));

    public async Task DropMissingRun(string runId)
    {
        scheduler.Remove(runId);
        await CommitAsync();
        await store.DeleteRowAsync(runId);
    }

    public Task Reprioritize(string runId, RunPriority priority) => CommitAsync(() => scheduler.Reprioritize(runId, priority));

    public Task MoveToTop(string runId) => CommitAsync(() => scheduler.MoveToTop(runId));

    public async Task CredentialFailed(string machineId, string credentialId)
    {
        if (Group.Members.TryGetValue(machineId, out var member) && !member.Machine.FailedCredentials.Contains(credentialId))
        {
            member.Machine = member.Machine with { FailedCredentials = [.. member.Machine.FailedCredentials, credentialId] };
            store.DetailsChanged = true;
            await CommitAsync();
        }
    }

    public async Task CredentialDeleted(CredentialOption credential)
    {
        plans.RecordDeletion(credential.CredentialId);
        if (scheduler.DropCredential(credential))
        {
            store.DetailsChanged = true;
        }
        if (store.DetailsChanged || scheduler.HasChangedRuns)
        {
            await CommitAsync();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ExpireDueAsync();

    private async Task ExpireDueAsync()
    {
        alarm.Fired();
        scheduler.ExpireDue();
        await CommitAsync();
    }

    private void Attach(MachineAvailability machine)
    {
        Group.Members[machine.MachineId] = new MemberState { Machine = machine };
        store.DetailsChanged = true;
    }

    private Task CommitAsync(Action change)
    {
        change();
        return CommitAsync();
    }

    /// <summary>Schedules, writes, then announces: nothing is announced that is not durable.</summary>
    private async Task CommitAsync()
    {
        scheduler.Schedule();
        var sends = scheduler.TakeAnnouncements();
        await SaveAsync();
        await alarm.UpdateAsync();
        foreach (var send in sends)
        {
            await send.SendAsync(GrainFactory);
        }
    }

    private Task SaveAsync()
    {
        events.GroupChanged(this.GetPrimaryKeyString());
        queueDepth.Report(scheduler.Runs.Queued.Count);
        return store.SaveAsync();
    }

    private ResourceAccess? AccessFor(Actor actor) => AccessFor(actor.Id, actor.IsAdmin);

    private ResourceAccess? AccessFor(string principalId, bool isAdmin) =>
        Group.Access.Of(principalId) ?? (isAdmin ? ResourceAccess.CoOwner : null);

    private void DemandVisible(Actor actor)
    {
        EnsureCreated();
        if (AccessFor(actor) is null)
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has no access to group {this.GetPrimaryKeyString()}.");
        }
    }

    private void EnsureCreated()
    {
        if (!Group.Created || IsSolo)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Group {this.GetPrimaryKeyString()} does not exist.");
        }
    }

    private GroupView View(Actor actor) => GroupViews.Of(this.GetPrimaryKeyString(), Group, scheduler.Runs, AccessFor(actor));
}
