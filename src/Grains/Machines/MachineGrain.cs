using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// A registered machine: its identity and key hash, its agent's heartbeat and sessions, its group, and the runs placed
/// on it. It reports every availability change to the queue that schedules it: its group, or its own single-machine
/// queue while it is in none. A durable reminder notices when the agent falls silent.
/// The runs placed on it are not stored here: the group holds every assignment and start durably, and an activation
/// rebuilds this machine's view from its group (runs not yet started are handed to the agent again).
/// </summary>
internal sealed class MachineGrain(
    [PersistentState("machine")] IPersistentState<MachineState> state,
    IOptions<GridOptions> options,
    AuditTrail audit,
    DirectoryIndex directory,
    GridEvents events,
    TimeProvider time) : Grain, IMachineGrain
{
    private const string LivenessReminder = "liveness";

    private readonly MachineInbox inbox = new(() => state.State);

    private readonly MachineSettings settings = new(() => state.State, options.Value);

    private readonly MachineHeartbeats heartbeats = new(() => state.State, options.Value);

    private MachineRunReports? reports;

    private bool heartbeatUnsaved;

    // Set while the group has not confirmed the machine's latest availability (its silo died mid-call): the next
    // heartbeat reports again, though nothing changed since.
    private bool availabilityUnreported;

    private MachineState Machine => state.State;

    private MachineRunReports Reports => reports ??= new MachineRunReports(GrainFactory, inbox, Id, () => state.State);

    private GridOptions Limits => options.Value;

    private string Id => this.GetPrimaryKeyString();

    private AuditResource Resource => AuditResource.Machine(Id);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Machine.Created)
        {
            return;
        }
        foreach (var placed in await GrainFactory.GetGrain<IMachineGroupGrain>(QueueGroupId).RunsOn(Id))
        {
            inbox.Place(placed.Assignment, placed.Started);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        inbox.Release();
        if (heartbeatUnsaved && Machine.Created)
        {
            // The last heartbeat time changes on every beat and is written only here, so a quiet agent costs no writes.
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private string QueueGroupId => Machine.GroupId ?? GroupIds.SoloFor(Id);

    public async Task<MachineRegistration> Register(Actor actor, RegisterMachine request)
    {
        AccessPolicy.DemandRole(actor, GridAction.RegisterMachine);
        if (Machine.Created)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Machine {Id} is already registered.");
        }
        settings.Register(request);
        var key = MachineKeys.New(Id);
        Machine.KeyHash = MachineKeys.Hash(key);
        Machine.Access.Owner = actor.Ref;
        Machine.Created = true;
        await state.WriteStateAsync();
        await directory.SyncAsync("machine", Id, null, Machine.Access.Principals());
        await audit.RecordAsync(actor.Id, "machine.register", Resource, null, new { Machine.Name, Machine.Kind, Machine.MaxSessions, Machine.Os });
        return new MachineRegistration(View(ResourceAccess.Owner), key);
    }

    public async Task<MachineView> Get(Actor actor)
    {
        EnsureCreated();
        var access = await AccessOf(actor) ?? throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has no access to machine {Id}.");
        return View(access);
    }

    public async Task<MachineView> Update(Actor actor, UpdateMachine request)
    {
        EnsureCreated();
        var access = await DemandAsync(actor, GridAction.EditMachine);
        var before = new { Machine.Description, Machine.Maintenance, Machine.MaxSessions };
        settings.Update(request);
        await SaveAndReportAsync();
        await audit.RecordAsync(actor.Id, "machine.update", Resource, before, new { Machine.Description, Machine.Maintenance, Machine.MaxSessions });
        return View(access);
    }

    public async Task Delete(Actor actor)
    {
        EnsureCreated();
        await DemandAsync(actor, GridAction.DeleteMachine);
        await GrainFactory.GetGrain<IMachineGroupGrain>(QueueGroupId).RemoveMachine(Id);
        await StopLivenessReminderAsync();
        var name = Machine.Name;
        var principals = Machine.Access.Principals();
        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IKeyRevocationHubGrain>("environment").Revoke(new KeyHolder(KeyHolderKind.Machine, Id));
        await directory.SyncAsync("machine", Id, principals, null);
        await audit.RecordAsync(actor.Id, "machine.delete", Resource, new { name }, null);
    }

    public async Task JoinGroup(Actor actor, string groupId, string password)
    {
        EnsureCreated();
        Validate.Id(groupId, "groupId");
        DomainException.Require(!GroupIds.IsSolo(groupId), "groupId is not a group.");
        await DemandAsync(actor, GridAction.AddMachineToGroup);
        if (Machine.GroupId == groupId)
        {
            return;
        }
        await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).AddMachine(actor, Availability(), password);
        var previous = QueueGroupId;
        await GrainFactory.GetGrain<IMachineGroupGrain>(previous).RemoveMachine(Id);
        Machine.GroupId = groupId;
        var broken = Machine.DirectConnections.ToList();
        Machine.DirectConnections.Clear();
        await state.WriteStateAsync();
        foreach (var connectionId in broken)
        {
            await GrainFactory.GetGrain<IConnectionGrain>(connectionId).Break($"Machine {Machine.Name} joined group {groupId}; target the group instead.");
        }
        await audit.RecordAsync(actor.Id, "machine.group.join", Resource, new { groupId = GroupIds.IsSolo(previous) ? null : previous }, new { groupId, brokenConnections = broken.Count });
    }

    public async Task LeaveGroup(Actor actor)
    {
        EnsureCreated();
        var groupId = Machine.GroupId ?? throw new DomainException(DomainErrorCode.InvalidState, $"Machine {Machine.Name} is in no group.");
        await DemandAsync(actor, GridAction.RemoveMachineFromGroup);
        await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).RemoveMachine(Id);
        Machine.GroupId = null;
        await SaveAndReportAsync();
        await audit.RecordAsync(actor.Id, "machine.group.leave", Resource, new { groupId }, null);
    }

    public async Task Share(Actor actor, string principalId, ResourceAccess access)
    {
        EnsureCreated();
        await DemandShareAsync(actor);
        Validate.Id(principalId, "principalId");
        DomainException.Require(access is ResourceAccess.User or ResourceAccess.CoOwner, "A machine is shared as CoOwner or User.");
        var before = Machine.Access.Principals();
        Machine.Access.Grant(principalId, access);
        await state.WriteStateAsync();
        await directory.SyncAsync("machine", Id, before, Machine.Access.Principals());
        await audit.RecordAsync(actor.Id, "machine.share", Resource, null, new { principalId, access });
    }

    public async Task Unshare(Actor actor, string principalId)
    {
        EnsureCreated();
        await DemandShareAsync(actor);
        var before = Machine.Access.Principals();
        if (Machine.Access.Revoke(principalId))
        {
            await state.WriteStateAsync();
            await directory.SyncAsync("machine", Id, before, Machine.Access.Principals());
            await audit.RecordAsync(actor.Id, "machine.unshare", Resource, new { principalId }, null);
        }
    }

    public async Task<ResourceAccess?> AccessOf(Actor actor)
    {
        if (!Machine.Created)
        {
            return null;
        }
        var own = Machine.Access.Of(actor.Id);
        var viaGroup = Machine.GroupId is { } groupId ? await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).AccessOf(actor) : null;
        var best = (ResourceAccess?)Math.Max((int)(own ?? 0), (int)(viaGroup ?? 0));
        return best > 0 ? best : actor.IsAdmin ? ResourceAccess.CoOwner : null;
    }

    public Task<bool> VerifyKey(string machineKey) =>
        Task.FromResult(Machine.Created && MachineKeys.Matches(machineKey, Machine.KeyHash));

    public async Task<MachineView> Heartbeat(AgentHeartbeat heartbeat)
    {
        EnsureCreated();
        var cameOnline = !Machine.Online;
        var changed = heartbeats.Accept(heartbeat, time.GetUtcNow()) || availabilityUnreported;
        events.MachineChanged(Id);
        if (cameOnline)
        {
            await this.RegisterOrUpdateReminder(LivenessReminder, Limits.MachineOfflineAfter, Limits.MachineOfflineAfter);
        }
        heartbeatUnsaved = !changed;
        if (changed)
        {
            await SaveAndReportAsync();
        }
        return View(ResourceAccess.Owner);
    }

    public Task<IReadOnlyList<Assignment>> TakeAssignments(int max = int.MaxValue) => Task.FromResult(inbox.Take(max));

    public Task<IReadOnlyList<Assignment>> WaitForAssignments(int max, TimeSpan wait) => inbox.WaitAndTakeAsync(max, wait, time);

    public Task<IReadOnlyList<RunNotEnded>> RunsIn(RunStatus? status) => Task.FromResult(inbox.RunsIn(status));

    public Task StartRun(string runId)
    {
        EnsureCreated();
        return Reports.StartAsync(runId);
    }

    public Task DropMissingRun(string runId)
    {
        EnsureCreated();
        return Reports.DropMissingAsync(runId);
    }

    public async Task CompleteRun(string runId, bool succeeded, string? outputs, string? error)
    {
        EnsureCreated();
        Validate.Id(runId, "runId");
        Validate.Optional(outputs, "outputs", Limits.MaxInputsLength);
        Validate.Optional(error, "error", Limits.MaxDescriptionLength);
        if (await Reports.CompleteAsync(runId, succeeded, outputs, error))
        {
            events.MachineChanged(Id);
        }
    }

    public async Task ReportCredentialFailure(string credentialId, string reason)
    {
        EnsureCreated();
        Validate.Id(credentialId, "credentialId");
        reason = Validate.Name(reason, "reason", Limits.MaxDescriptionLength);
        await GrainFactory.GetGrain<ICredentialGrain>(credentialId).RecordFailure(Id, reason);
        Machine.FailedCredentials[credentialId] = reason;
        await SaveAndReportAsync();
    }

    public async Task ClearCredentialFailure(string credentialId)
    {
        if (Machine.FailedCredentials.Remove(credentialId))
        {
            await SaveAndReportAsync();
        }
    }

    public Task Offer(Assignment assignment)
    {
        if (inbox.Offer(assignment))
        {
            events.MachineChanged(Id);
        }
        return Task.CompletedTask;
    }

    public Task Withdraw(string runId, DateTimeOffset acknowledgeBy)
    {
        if (inbox.Withdraw(runId, acknowledgeBy))
        {
            events.MachineChanged(Id);
        }
        return Task.CompletedTask;
    }

    public async Task AddDirectConnection(string connectionId)
    {
        EnsureCreated();
        if (Machine.GroupId is not null)
        {
            throw new DomainException(DomainErrorCode.ConnectionBroken, $"Machine {Machine.Name} is in group {Machine.GroupId}; target the group instead.");
        }
        if (!Machine.DirectConnections.Contains(connectionId))
        {
            Machine.DirectConnections.Add(connectionId);
            await state.WriteStateAsync();
        }
    }

    public async Task ClaimForMapping(string mappingId)
    {
        EnsureCreated();
        if (Machine.MappingId == mappingId)
        {
            return;
        }
        // A claim left by a mapping whose create or delete died halfway is taken over.
        if (Machine.MappingId is { } holder && await GrainFactory.GetGrain<IMachineMappingGrain>(holder).Exists())
        {
            throw new DomainException(DomainErrorCode.MachineAlreadyMapped, $"Machine {Machine.Name} already belongs to mapping {holder}.");
        }
        Machine.MappingId = mappingId;
        await state.WriteStateAsync();
    }

    public async Task ReleaseFromMapping(string mappingId)
    {
        if (Machine.MappingId == mappingId)
        {
            Machine.MappingId = null;
            await state.WriteStateAsync();
        }
    }

    public Task<string?> NameOf() => Task.FromResult(Machine.Created ? Machine.Name : null);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != LivenessReminder)
        {
            return;
        }
        var liveness = heartbeats.Check(time.GetUtcNow());
        if (liveness != MachineLiveness.Live)
        {
            await StopLivenessReminderAsync();
        }
        if (liveness == MachineLiveness.Silent)
        {
            Machine.Online = false;
            await SaveAndReportAsync();
        }
    }

    private MachineAvailability Availability() => MachineViews.Availability(Id, Machine);

    private async Task SaveAndReportAsync()
    {
        events.MachineChanged(Id);
        await state.WriteStateAsync();
        availabilityUnreported = true;
        await GrainFactory.GetGrain<IMachineGroupGrain>(QueueGroupId).UpdateMachine(Availability());
        availabilityUnreported = false;
    }

    private async Task<ResourceAccess> DemandAsync(Actor actor, GridAction action)
    {
        var access = await AccessOf(actor);
        AccessPolicy.Demand(actor, access, action, "machine", Id);
        return access ?? ResourceAccess.CoOwner;
    }

    private async Task DemandShareAsync(Actor actor)
    {
        if (Machine.GroupId is not null)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"Machine {Machine.Name} is in group {Machine.GroupId}; its access is managed on the group.");
        }
        await DemandAsync(actor, GridAction.ShareMachine);
    }

    private void EnsureCreated()
    {
        if (!Machine.Created)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Machine {Id} does not exist.");
        }
    }

    private async Task StopLivenessReminderAsync()
    {
        if (await this.GetReminder(LivenessReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private MachineView View(ResourceAccess? access) => MachineViews.View(Id, Machine, inbox.Sessions(Machine.SignedInUsers), access);
}
