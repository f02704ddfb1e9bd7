using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>A machine group (key: group id): members, password, access, and the run queue with its scheduler.</summary>
[Alias("mg.IMachineGroupGrain")]
public interface IMachineGroupGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Creates the group; the actor becomes its owner.</summary>
    Task<GroupView> Create(Actor actor, CreateGroup request);

    /// <summary>The group with its counts, if the actor may see it.</summary>
    Task<GroupView> Get(Actor actor);

    /// <summary>Edits name, description or group-wide maintenance (co-owner).</summary>
    Task<GroupView> Update(Actor actor, UpdateGroup request);

    /// <summary>Deletes the group (co-owner); refused with <see cref="DomainErrorCode.GroupNotEmpty"/> while it has machines.</summary>
    Task Delete(Actor actor);

    /// <summary>Sets a new group password (co-owner). The password is stored only as a salted slow hash.</summary>
    Task ChangePassword(Actor actor, string newPassword);

    /// <summary>Shares the group (co-owner with a sharing role).</summary>
    Task Share(Actor actor, string principalId, ResourceAccess access);

    /// <summary>Removes a share.</summary>
    Task Unshare(Actor actor, string principalId);

    /// <summary>The actor's access; null for none.</summary>
    Task<ResourceAccess?> AccessOf(Actor actor);

    /// <summary>
    /// From a connection that targets this group and keeps the grants it reads: the principal's access (null for none, or
    /// when the group does not exist). The connection is first kept durably among those told, before any change to the
    /// group's access is acknowledged, that the grants they keep are stale.
    /// </summary>
    Task<ResourceAccess?> WatchedAccessOf(string connectionId, string principalId, bool isAdmin);

    /// <summary>The member machines' availability.</summary>
    Task<IReadOnlyList<MachineAvailability>> GetMachines(Actor actor);

    /// <summary>Queued runs in assignment order with their wait reasons.</summary>
    Task<IReadOnlyList<QueuedRunView>> GetQueue(Actor actor);

    /// <summary>
    /// For the directory, which checks access first: the runs this group holds in <paramref name="status"/> (Queued,
    /// Assigned or Running), in no particular order.
    /// </summary>
    Task<IReadOnlyList<RunNotEnded>> RunsIn(RunStatus status);

    /// <summary>From a machine: adds it with the group password (the first machine sets the password).</summary>
    Task AddMachine(Actor actor, MachineAvailability machine, string password);

    /// <summary>From a machine: removes it. Runs it was running are failed as lost.</summary>
    Task RemoveMachine(string machineId);

    /// <summary>From a machine: its availability changed.</summary>
    Task UpdateMachine(MachineAvailability machine);

    /// <summary>From a run: queues it for assignment.</summary>
    Task Enqueue(QueuedRun run);

    /// <summary>From a machine being activated: the runs placed on it and not ended, from which it rebuilds its own view.</summary>
    Task<IReadOnlyList<PlacedRun>> RunsOn(string machineId);

    /// <summary>
    /// From a run being activated: where this group placed it, also when it let the run go just now (its end is being
    /// announced); null when the group holds it queued, or does not hold it.
    /// </summary>
    Task<RunPlacement?> PlacementOf(string runId);

    /// <summary>From a machine: the agent acknowledged the start of a run assigned here.</summary>
    Task RunStarted(string runId, string machineId);

    /// <summary>From a machine or run: the run ended; its session is free again.</summary>
    Task RunEnded(string runId);

    /// <summary>From a run: removes a queued or assigned run (cancel).</summary>
    Task Remove(string runId);

    /// <summary>
    /// From a machine: the run has no record, because the silo that took its submission died before storing it, after
    /// this group stored it. Removes it and deletes its row; it never ends, so no end deletes the row.
    /// </summary>
    Task DropMissingRun(string runId);

    /// <summary>From a run: changes a queued run's priority.</summary>
    Task Reprioritize(string runId, RunPriority priority);

    /// <summary>From a run: puts a queued run at the head of the queue.</summary>
    Task MoveToTop(string runId);

    /// <summary>From a machine: the machine's credential failed; it stops being a candidate for that credential.</summary>
    Task CredentialFailed(string machineId, string credentialId);

    /// <summary>
    /// From a credential being deleted: no run here uses it any more. Runs not yet started that have no other credential
    /// left end Cancelled with <see cref="RunStatusReason.CredentialDeleted"/>; assigned ones that have another go back to
    /// the head of the queue. Started runs finish.
    /// </summary>
    Task CredentialDeleted(CredentialOption credential);
}
