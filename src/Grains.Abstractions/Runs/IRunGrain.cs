using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>One run of a desktop flow (key: run id).</summary>
[Alias("mg.IRunGrain")]
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Submits the run. Submitting again with the same id returns the existing run unchanged.</summary>
    Task<RunView> Submit(Actor actor, SubmitRun request);

    /// <summary>The run.</summary>
    Task<RunView> Get(Actor actor);

    /// <summary>The run's current view without an access check, for lists that were already filtered by access.</summary>
    [ReadOnly]
    Task<RunView> Snapshot();

    /// <summary>Cancels a run that has not ended.</summary>
    Task<RunView> Cancel(Actor actor);

    /// <summary>Changes the priority of a queued run.</summary>
    Task<RunView> SetPriority(Actor actor, RunPriority priority);

    /// <summary>Puts a queued run at the head of its group's queue.</summary>
    Task<RunView> MoveToTop(Actor actor);

    /// <summary>
    /// From a credential resolving its secret: whether this run is currently assigned to or running on
    /// <paramref name="machineId"/> with credential <paramref name="credentialId"/>. A pure read; it interleaves so a
    /// credential asked on the run's behalf never waits on the run itself.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> UsesCredentialOn(string machineId, string credentialId);

    /// <summary>The flow inputs, for the agent the run is assigned to.</summary>
    Task<string?> InputsFor(string machineId);

    /// <summary>From a group: the run was given to a machine with a credential.</summary>
    [OneWay]
    Task Assigned(string machineId, CredentialOption credential, DateTimeOffset at);

    /// <summary>From a group: the assignment was revoked; the run is queued again.</summary>
    [OneWay]
    Task Requeued(string reason);

    /// <summary>From a machine: the agent started it.</summary>
    Task Started(string machineId);

    /// <summary>From a machine: the agent finished it.</summary>
    Task Completed(string machineId, bool succeeded, string? outputs, string? error);

    /// <summary>
    /// From a group: it ended without running to completion (queue timeout, machine lost, group or credential deleted),
    /// with a <paramref name="reason"/> code and, when there is more to say, an <paramref name="error"/> for people.
    /// </summary>
    [OneWay]
    Task Ended(RunStatus status, string reason, string? error = null);
}
