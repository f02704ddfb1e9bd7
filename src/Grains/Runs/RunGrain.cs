using MachineGrid.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// One run: its request, its status with reasons, and the machine and credential actually used. Its group enforces
/// the queue and run timeouts with the group's one durable reminder. The run writes its state when submitted, requeued
/// and ended; its assignment and start are written by its group, which holds placed runs durably, and a run rebuilds
/// them from the group on activation. A run found still queued there re-enqueues itself (the group ignores runs it
/// already has), so a crash between the two writes of a submission loses nothing.
/// </summary>
internal sealed class RunGrain(
    [PersistentState("run")] IPersistentState<RunState> state,
    IOptions<GridOptions> options,
    AuditTrail audit,
    RunIndex index,
    GridEvents events,
    SubmissionGate gate,
    ILogger<RunGrain> logger,
    TimeProvider time) : Grain, IRunGrain
{
    private RunState Run => state.State;

    private GridOptions Limits => options.Value;

    private bool Ended => RunIndex.IsEnded(Run.Status);

    private AuditResource Resource => AuditResource.Run(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Run.Created || Ended)
        {
            return;
        }
        if (await index.EndedViewAsync(Run.EnqueuedAt, this.GetPrimaryKeyString()) is { } ended)
        {
            Run.Adopt(ended);
            return;
        }
        if (await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).PlacementOf(this.GetPrimaryKeyString()) is { } placed)
        {
            Rebuild(placed);
            return;
        }
        // Without a plan the run was assigned before, so its group has held it durably ever since.
        if (Run.Status == RunStatus.Queued && Run.PlanSource is { } source)
        {
            try
            {
                var plan = Run.PlanFromMapping
                    ? await GrainFactory.GetGrain<IMachineMappingGrain>(source).Plan()
                    : new CredentialPlan(source, await GrainFactory.GetGrain<ICredentialGrain>(source).OptionForConnections(), new Dictionary<string, IReadOnlyList<CredentialOption>>());
                await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).Enqueue(ToQueued(plan));
            }
            catch (DomainException ex)
            {
                // Its credentials or group went away while it was not enqueued: it can never be placed.
                Run.Status = RunStatus.Failed;
                Run.StatusReason = ex.Code.ToString();
                Run.EndedAt = time.GetUtcNow();
                await SaveAsync();
            }
        }
    }

    public async Task<RunView> Submit(Actor actor, SubmitRun request)
    {
        if (Run.Created)
        {
            await DemandAccessAsync(actor, manage: false);
            return View();
        }
        AccessPolicy.DemandRole(actor, GridAction.RunFlow);
        var connectionId = Validate.Id(request.ConnectionId, "connectionId");
        var flowId = Validate.Name(request.FlowId, "flowId", Limits.MaxNameLength);
        var inputs = request.Inputs;
        DomainException.Require(inputs is null || inputs.Length <= Limits.MaxInputsLength, $"inputs must be at most {Limits.MaxInputsLength} characters.");
        var queueTimeout = Timeout(request.QueueTimeoutSeconds, Limits.MaxQueueTime, "queueTimeoutSeconds");
        var runTimeout = Timeout(request.RunTimeoutSeconds, Limits.MaxRunTime, "runTimeoutSeconds");
        DomainException.Require(request.MaxAttempts is >= 1 and <= 10, "maxAttempts must be 1 to 10.");
        using var slot = await gate.EnterAsync();
        var route = await GrainFactory.GetGrain<IConnectionGrain>(connectionId).Route(actor);
        var now = time.GetUtcNow();
        Run.Created = true;
        Run.Submitter = actor.Ref;
        Run.ConnectionId = connectionId;
        Run.FlowId = flowId;
        Run.Inputs = inputs;
        Run.RunMode = Validate.Enum(request.RunMode, "runMode");
        Run.Priority = Validate.Enum(request.Priority, "priority");
        Run.GroupId = route.GroupId;
        Run.Status = RunStatus.Queued;
        Run.StatusReason = RunStatusReason.Waiting;
        Run.EnqueuedAt = now;
        Run.MaxAttempts = request.MaxAttempts;
        Run.RunTimeout = runTimeout;
        Run.PlanSource = route.Plan.SourceId;
        Run.PlanFromMapping = route.PlanFromMapping;
        Run.QueueDeadline = now + queueTimeout;
        // The audit entry joins the run's first write: the submission happened even if its group then refuses the run.
        var saved = Task.WhenAll(
            SaveAsync(),
            audit.RecordAsync(actor.Id, "run.submit", Resource, null, new { connectionId, flowId, Run.RunMode, Run.Priority, route.GroupId }));
        // Storage makes writes durable in the order they were made, so the group's write, made after the run's, never
        // outlives it in a crash; the two share a flush instead of waiting one for the other.
        var enqueued = GrainFactory.GetGrain<IMachineGroupGrain>(route.GroupId).Enqueue(ToQueued(route.Plan));
        try
        {
            await saved;
        }
        catch
        {
            await WithdrawAsync(route.GroupId, enqueued);
            throw;
        }
        try
        {
            await enqueued;
        }
        catch (DomainException ex)
        {
            await EndAsync(RunStatus.Failed, ex.Code.ToString(), ex.Message);
            throw;
        }
        catch
        {
            // The group did not answer (e.g. its silo died): the run is stored but perhaps not queued, and a retry with the
            // same idempotency key would find it created and return it as submitted. A fresh activation enqueues a stored
            // queued run its group does not hold (OnActivateAsync), so the retry goes to one.
            this.DeactivateOnIdle();
            throw;
        }
        return View();
    }

    /// <summary>
    /// Takes the run back from its group and its rows out of the run index after its first write failed, so no machine
    /// is handed, and no list shows, a run storage does not hold.
    /// </summary>
    private async Task WithdrawAsync(string groupId, Task enqueued)
    {
        try
        {
            await index.WithdrawAsync(Run.Submitter.Id, groupId, View());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The index rows of run {RunId} could not be deleted after its first write failed.", this.GetPrimaryKeyString());
        }
        try
        {
            await enqueued;
            await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).Remove(this.GetPrimaryKeyString());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Run {RunId} could not be taken back from group {GroupId} after its first write failed.", this.GetPrimaryKeyString(), groupId);
        }
    }

    public async Task<RunView> Get(Actor actor)
    {
        await DemandAccessAsync(actor, manage: false);
        return View();
    }

    public Task<RunView> Snapshot() => Task.FromResult(View());

    public async Task<RunView> Cancel(Actor actor)
    {
        await DemandAccessAsync(actor, manage: true);
        if (Ended)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"Run {this.GetPrimaryKeyString()} already ended ({Run.Status}).");
        }
        await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).Remove(this.GetPrimaryKeyString());
        await EndAsync(RunStatus.Cancelled, RunStatusReason.CancelledByUser);
        await audit.RecordAsync(actor.Id, "run.cancel", Resource, null, new { Run.Status });
        return View();
    }

    public async Task<RunView> SetPriority(Actor actor, RunPriority priority)
    {
        await DemandAccessAsync(actor, manage: true);
        Validate.Enum(priority, "priority");
        DemandQueued();
        await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).Reprioritize(this.GetPrimaryKeyString(), priority);
        var before = Run.Priority;
        Run.Priority = priority;
        await SaveAsync();
        await audit.RecordAsync(actor.Id, "run.priority", Resource, new { priority = before }, new { priority });
        return View();
    }

    public async Task<RunView> MoveToTop(Actor actor)
    {
        await DemandAccessAsync(actor, manage: true);
        DemandQueued();
        await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).MoveToTop(this.GetPrimaryKeyString());
        await audit.RecordAsync(actor.Id, "run.move-to-top", Resource, null, null);
        return View();
    }

    public Task<string?> InputsFor(string machineId)
    {
        DemandCreated();
        DemandOn(machineId);
        return Task.FromResult(Run.Inputs);
    }

    public Task<bool> UsesCredentialOn(string machineId, string credentialId) =>
        Task.FromResult(Run.Status is RunStatus.Assigned or RunStatus.Running && Run.MachineId == machineId && Run.Credential?.CredentialId == credentialId);

    public async Task Assigned(string machineId, CredentialOption credential, DateTimeOffset at)
    {
        if (!Run.Created || Run.Status != RunStatus.Queued)
        {
            return;
        }
        Place(machineId, credential, at);
        // The group wrote the assignment before announcing it, and the run index files a run under its machine when it ends.
        await IndexAsync();
    }

    public async Task Requeued(string reason)
    {
        if (!Run.Created || Ended)
        {
            return;
        }
        Run.Status = RunStatus.Queued;
        Run.StatusReason = reason;
        Run.MachineId = null;
        Run.Credential = null;
        await SaveAsync();
    }

    public async Task Started(string machineId)
    {
        DemandCreated();
        if (Run.Status == RunStatus.Queued
            && await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).PlacementOf(this.GetPrimaryKeyString()) is { } placed
            && placed.MachineId == machineId)
        {
            // The machine's report overtook its group's one-way announcement of the assignment: they come from two grains.
            Place(placed.MachineId, placed.Credential, placed.AssignedAt);
        }
        // Already started there: a run activated after its group recorded the start, or an agent repeating itself.
        if (Run.Status == RunStatus.Running && Run.MachineId == machineId)
        {
            return;
        }
        if (Run.Status != RunStatus.Assigned || Run.MachineId != machineId)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"Run {this.GetPrimaryKeyString()} is not assigned to machine {machineId}.");
        }
        MarkStarted(time.GetUtcNow(), Run.Attempts + 1);
        // The machine asked the group to record the start at the same time: it answers its agent once both are durable.
        await IndexAsync();
    }

    public async Task Completed(string machineId, bool succeeded, string? outputs, string? error)
    {
        if (Ended && Run.MachineId == machineId && Run.StatusReason is RunStatusReason.Completed or RunStatusReason.FlowFailed)
        {
            // The machine's retry of a completion that reached this run but not its group.
            return;
        }
        DemandOn(machineId);
        // The machine's agent waits on this write (with its group's) before it takes its next run.
        using var urgent = WritePriority.Urgent();
        Run.Outputs = Validate.Optional(outputs, "outputs", Limits.MaxInputsLength);
        Run.Error = Validate.Optional(error, "error", Limits.MaxDescriptionLength);
        await EndAsync(succeeded ? RunStatus.Succeeded : RunStatus.Failed, succeeded ? RunStatusReason.Completed : RunStatusReason.FlowFailed);
    }

    Task IRunGrain.Ended(RunStatus status, string reason, string? error) => !Run.Created || Ended ? Task.CompletedTask : EndAsync(status, reason, error);

    /// <summary>Writes the state and, in the same group commit, moves the run's index rows.</summary>
    private Task SaveAsync() => Task.WhenAll(IndexAsync(), state.WriteStateAsync());

    /// <summary>Moves the run's index rows to its current view (when they change) and tells watchers.</summary>
    private Task IndexAsync()
    {
        var view = View();
        var before = Run.IndexedStatus;
        events.RunChanged(Run.GroupId, Run.IndexedStatus, view);
        // Recorded before any state write so the state written is the state held.
        Run.IndexedStatus = view.Status;
        return index.UpdateAsync(Run.Submitter.Id, Run.GroupId, before, view);
    }

    /// <summary>Takes the placement its group holds, as it was when the run was last active.</summary>
    private void Rebuild(RunPlacement placed)
    {
        Place(placed.MachineId, placed.Credential, placed.AssignedAt);
        Run.Attempts = placed.Attempts - 1;
        if (placed.StartedAt is { } startedAt)
        {
            MarkStarted(startedAt, placed.Attempts);
        }
        Run.IndexedStatus = Run.Status;
    }

    private void Place(string machineId, CredentialOption credential, DateTimeOffset at)
    {
        Run.Status = RunStatus.Assigned;
        Run.StatusReason = RunStatusReason.Assigned;
        Run.MachineId = machineId;
        Run.Credential = credential;
        Run.AssignedAt = at;
        // The plan source is only needed to re-enqueue a run its group may not have; the group has this one.
        Run.PlanSource = null;
    }

    private void MarkStarted(DateTimeOffset at, int attempts)
    {
        Run.Status = RunStatus.Running;
        Run.StatusReason = RunStatusReason.Started;
        Run.StartedAt = at;
        Run.Attempts = attempts;
    }

    private async Task EndAsync(RunStatus status, string reason, string? error = null)
    {
        Run.Status = status;
        Run.StatusReason = reason;
        Run.Error = error ?? Run.Error;
        Run.EndedAt = time.GetUtcNow();
        // The view filed in the run index is the ended run's record (see OnActivateAsync): its state is not written again.
        await IndexAsync();
        // An ended run is rarely asked about again: free its memory now rather than after the idle collection age.
        this.DeactivateOnIdle();
    }

    private QueuedRun ToQueued(CredentialPlan plan) =>
        new(this.GetPrimaryKeyString(), Run.FlowId, Run.RunMode, Run.Priority, Run.EnqueuedAt, Run.QueueDeadline, Run.RunTimeout, plan, Run.MaxAttempts);

    private static TimeSpan Timeout(int? seconds, TimeSpan max, string field)
    {
        if (seconds is null)
        {
            return max;
        }
        DomainException.Require(seconds > 0 && seconds <= max.TotalSeconds, $"{field} must be 1 to {max.TotalSeconds:0}.");
        return TimeSpan.FromSeconds(seconds.Value);
    }

    /// <summary>
    /// Admins and the submitter may see and manage the run; others with access to its group (or machine) may see it,
    /// and co-owners of the group may also manage it (cancel, priority, move to top), as they manage its queue.
    /// </summary>
    private async Task DemandAccessAsync(Actor actor, bool manage)
    {
        DemandCreated();
        if (actor.IsAdmin || actor.Id == Run.Submitter.Id)
        {
            return;
        }
        var access = await GrainFactory.GetGrain<IMachineGroupGrain>(Run.GroupId).AccessOf(actor);
        if (access is null || (manage && access is not (ResourceAccess.CoOwner or ResourceAccess.Owner)))
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} did not submit run {this.GetPrimaryKeyString()} and may not {(manage ? "manage" : "see")} it.");
        }
    }

    private void DemandCreated()
    {
        if (!Run.Created)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Run {this.GetPrimaryKeyString()} does not exist.");
        }
    }

    private void DemandQueued()
    {
        if (Run.Status != RunStatus.Queued)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"Run {this.GetPrimaryKeyString()} is {Run.Status}, not queued.");
        }
    }

    private void DemandOn(string machineId)
    {
        if (Run.Status is not (RunStatus.Assigned or RunStatus.Running) || Run.MachineId != machineId)
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"Run {this.GetPrimaryKeyString()} is not on machine {machineId}.");
        }
    }

    private RunView View() => Run.ToView(this.GetPrimaryKeyString());
}
