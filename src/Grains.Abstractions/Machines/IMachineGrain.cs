using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>A registered machine (key: machine id).</summary>
[Alias("mg.IMachineGrain")]
public interface IMachineGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Registers the machine; the actor becomes its owner. Needs Environment Maker, Machine Owner or Environment Admin.</summary>
    Task<MachineRegistration> Register(Actor actor, RegisterMachine request);

    /// <summary>The machine, if the actor may see it.</summary>
    Task<MachineView> Get(Actor actor);

    /// <summary>Edits description, maintenance or sessions (owner or co-owner).</summary>
    Task<MachineView> Update(Actor actor, UpdateMachine request);

    /// <summary>Deletes the machine (owner or co-owner, and Machine Owner role). It leaves its group first.</summary>
    Task Delete(Actor actor);

    /// <summary>Joins (or moves to) a group with the group's password. Breaks connections that targeted the machine directly.</summary>
    Task JoinGroup(Actor actor, string groupId, string password);

    /// <summary>Leaves its group.</summary>
    Task LeaveGroup(Actor actor);

    /// <summary>Shares the machine (only while it is in no group: a group's access applies to its machines).</summary>
    Task Share(Actor actor, string principalId, ResourceAccess access);

    /// <summary>Removes a share.</summary>
    Task Unshare(Actor actor, string principalId);

    /// <summary>The actor's access to the machine, through its group when it has one; null for none.</summary>
    Task<ResourceAccess?> AccessOf(Actor actor);

    /// <summary>Checks a machine key; only its hash is stored.</summary>
    Task<bool> VerifyKey(string machineKey);

    /// <summary>Records a heartbeat from the machine's agent.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.MachineIdentityConflict"/> when another live agent holds the identity.</exception>
    Task<MachineView> Heartbeat(AgentHeartbeat heartbeat);

    /// <summary>Up to <paramref name="max"/> assignments offered to this machine that the agent has not taken yet, oldest first; taken ones are not returned again.</summary>
    Task<IReadOnlyList<Assignment>> TakeAssignments(int max = int.MaxValue);

    /// <summary>
    /// The agent's long-poll: takes up to <paramref name="max"/> pending assignments at once, or waits up to
    /// <paramref name="wait"/> (at most 5 s) for the next offer and takes then; empty when none came.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<Assignment>> WaitForAssignments(int max, TimeSpan wait);

    /// <summary>
    /// For the directory, which checks access first: the runs placed here and not ended, in <paramref name="status"/>
    /// (Assigned or Running) or all of them when null, in no particular order.
    /// </summary>
    Task<IReadOnlyList<RunNotEnded>> RunsIn(RunStatus? status);

    /// <summary>The agent acknowledges it started the run.</summary>
    Task StartRun(string runId);

    /// <summary>
    /// The gateway found that a run offered here has no record (its submission's silo died before storing it): the
    /// machine lets it go, and its group drops it.
    /// </summary>
    Task DropMissingRun(string runId);

    /// <summary>The agent reports the run ended.</summary>
    Task CompleteRun(string runId, bool succeeded, string? outputs, string? error);

    /// <summary>The agent reports that a credential failed to sign in on this machine.</summary>
    Task ReportCredentialFailure(string credentialId, string reason);

    /// <summary>From a credential: a co-owner cleared the credential's failure on this machine.</summary>
    Task ClearCredentialFailure(string credentialId);

    /// <summary>From a group: offers a run to this machine.</summary>
    [OneWay]
    Task Offer(Assignment assignment);

    /// <summary>
    /// From a group: the assignment of the run that was to be acknowledged by <paramref name="acknowledgeBy"/> no longer
    /// belongs to this machine (revoked, cancelled, timed out). One-way messages may arrive out of order, so a withdrawal
    /// names the offer it ends: it never takes back a later offer of the same run, and an offer arriving after its own
    /// withdrawal is ignored.
    /// </summary>
    [OneWay]
    Task Withdraw(string runId, DateTimeOffset acknowledgeBy);

    /// <summary>From a connection: registers a connection that targets this machine directly; it breaks when the machine joins a group.</summary>
    Task AddDirectConnection(string connectionId);

    /// <summary>From a mapping: claims the machine for the mapping. A machine belongs to at most one mapping.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.MachineAlreadyMapped"/>.</exception>
    Task ClaimForMapping(string mappingId);

    /// <summary>From a mapping: releases the claim (no-op if another mapping holds it).</summary>
    Task ReleaseFromMapping(string mappingId);

    /// <summary>The machine's name, for exports; null when it is not registered.</summary>
    Task<string?> NameOf();
}
