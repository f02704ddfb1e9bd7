using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>A user principal (key: principal id) with its roles and hashed API key.</summary>
[Alias("mg.IPrincipalGrain")]
public interface IPrincipalGrain : IGrainWithStringKey
{
    /// <summary>Creates the principal (Environment Admin only) and returns its API key once.</summary>
    Task<CreatedPrincipal> Create(Actor actor, string name, EnvironmentRoles roles);

    /// <summary>
    /// Makes this principal the first admin with <paramref name="apiKey"/>, unless it exists with a stored key; used at
    /// start-up on a store without keys. An admin whose key was never stored (a start that stopped between the two writes)
    /// gets this key. Returns whether this call stored the key, so that only a key that signs in is shown.
    /// </summary>
    Task<bool> Bootstrap(string name, string apiKey);

    /// <summary>The principal (itself or an admin).</summary>
    Task<PrincipalView> Get(Actor actor);

    /// <summary>Deletes the principal (Environment Admin only, not themself); its API key stops signing in at once.</summary>
    Task Delete(Actor actor);
}
