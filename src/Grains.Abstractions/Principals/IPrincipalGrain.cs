using MachineGrid.Runtime;

namespace MachineGrid.Grains;

/// <summary>A user principal (key: principal id) with its roles and hashed API key.</summary>
public interface IPrincipalGrain : IGrainWithStringKey
{
    /// <summary>Creates the principal (Environment Admin only) and returns its API key once.</summary>
    Task<CreatedPrincipal> Create(Actor actor, string name, EnvironmentRoles roles);

    /// <summary>Creates the first admin with a given key, if no principal has this id yet; used once at start-up.</summary>
    Task Bootstrap(string name, string apiKey);

    /// <summary>The principal (itself or an admin).</summary>
    Task<PrincipalView> Get(Actor actor);
}
