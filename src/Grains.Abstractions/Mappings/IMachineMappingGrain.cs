using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>A machine mapping, a kind of credential (key: mapping id).</summary>
[Alias("mg.IMachineMappingGrain")]
public interface IMachineMappingGrain : IGrainWithStringKey
{
    /// <summary>Creates the mapping.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.MachineAlreadyMapped"/>, <see cref="DomainErrorCode.CredentialNotUsableInConnections"/>, <see cref="DomainErrorCode.NestedMapping"/>.</exception>
    Task<MappingView> Create(Actor actor, CreateMapping request);

    /// <summary>The mapping.</summary>
    [ReadOnly]
    Task<MappingView> Get(Actor actor);

    /// <summary>Sets one machine's credentials (adds the machine if new).</summary>
    Task<MappingView> SetMachine(Actor actor, string machineId, IReadOnlyList<string> credentialIds);

    /// <summary>Removes a machine from the mapping.</summary>
    Task<MappingView> RemoveMachine(Actor actor, string machineId);

    /// <summary>Deletes the mapping, releasing its machines.</summary>
    Task Delete(Actor actor);

    /// <summary>Shares the mapping and, with it, every credential it lists.</summary>
    Task Share(Actor actor, string principalId, ResourceAccess access);

    /// <summary>Removes the share on the mapping only; shares on its credentials stay.</summary>
    Task Unshare(Actor actor, string principalId);

    /// <summary>The actor's access; null for none.</summary>
    [ReadOnly]
    Task<ResourceAccess?> AccessOf(Actor actor);

    /// <summary>The mapping by names, for another environment.</summary>
    [ReadOnly]
    Task<MappingExport> Export(Actor actor);

    /// <summary>Creates this mapping from an export, finding machines and credentials by name among those the actor can use.</summary>
    Task<MappingView> Import(Actor actor, MappingExport document, IReadOnlyDictionary<string, string> machineIdsByName, IReadOnlyDictionary<string, string> credentialIdsByName);

    /// <summary>From a connection or run: which credentials to use on which machine (credentials deleted since are left out).</summary>
    [ReadOnly]
    Task<CredentialPlan> Plan();

    /// <summary>
    /// From a connection that keeps the plan: the plan, and until when it may be kept. The connection is first kept
    /// durably among those told, before any change to the mapping is acknowledged, that the plan they keep is stale.
    /// </summary>
    Task<KeptPlan> WatchedPlan(string connectionId);

    /// <summary>
    /// Whether the mapping exists or is being created (its machine claims are in flight). A pure read that interleaves with
    /// any call, so a machine may ask it about the mapping holding its claim, and a mapping may ask it about another.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> Exists();
}
