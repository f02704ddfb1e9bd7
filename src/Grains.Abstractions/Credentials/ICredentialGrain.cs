using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>A credential (key: credential id). Its secret leaves the grain only for the agent a run is assigned to.</summary>
[Alias("mg.ICredentialGrain")]
public interface ICredentialGrain : IGrainWithStringKey
{
    /// <summary>Creates the credential; the actor becomes its owner.</summary>
    Task<CredentialView> Create(Actor actor, CreateCredential request);

    /// <summary>The credential, if the actor may see it.</summary>
    [ReadOnly]
    Task<CredentialView> Get(Actor actor);

    /// <summary>Deletes it (co-owner).</summary>
    Task Delete(Actor actor);

    /// <summary>Shares it (user+share or co-owner).</summary>
    Task Share(Actor actor, string principalId, ResourceAccess access);

    /// <summary>Removes a share.</summary>
    Task Unshare(Actor actor, string principalId);

    /// <summary>The actor's access; null for none.</summary>
    [ReadOnly]
    Task<ResourceAccess?> AccessOf(Actor actor);

    /// <summary>Clears a machine's failure (co-owner).</summary>
    Task ClearFailure(Actor actor, string machineId);

    /// <summary>From a mapping or connection: the credential as an option, checking it may be used in connections.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.CredentialNotUsableInConnections"/>, <see cref="DomainErrorCode.NotFound"/>.</exception>
    [ReadOnly]
    Task<CredentialOption> OptionForConnections();

    /// <summary>
    /// From a connection that keeps the option: as <see cref="OptionForConnections"/>, with the connection first kept
    /// durably among those told, before the credential's deletion is acknowledged, that the option they keep is gone.
    /// </summary>
    Task<CredentialOption> WatchedOption(string connectionId);

    /// <summary>From a mapping: grants a share because the mapping it belongs to was shared (never lowers existing access).</summary>
    Task GrantFromMapping(string principalId, ResourceAccess access);

    /// <summary>From a machine: the credential failed to sign in there. One-way, so a machine never waits on a credential that may be waiting on it.</summary>
    [OneWay]
    Task RecordFailure(string machineId, string reason);

    /// <summary>
    /// From a group (or a machine's own queue) about to hold runs that may use this credential: records the queue, which
    /// from then on is told when the credential is deleted. False when the credential was deleted (true, and nothing is
    /// recorded, for an id no credential ever had).
    /// </summary>
    Task<bool> TrackQueue(string groupId);

    /// <summary>
    /// The secret, for the agent of the machine the run is assigned to with this credential. Read-only, so the
    /// assignments of every machine sharing the credential resolve side by side rather than one run's check at a time.
    /// </summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.Forbidden"/> unless the run is assigned to that machine with this credential.</exception>
    [ReadOnly]
    Task<string> ResolveSecret(string machineId, string runId);
}
