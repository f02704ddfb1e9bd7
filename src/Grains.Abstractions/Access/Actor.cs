namespace MachineGrid.Grains;

/// <summary>The authenticated principal performing an operation, as the gateway established it.</summary>
/// <param name="Id">Principal id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Roles">Environment security roles.</param>
[GenerateSerializer, Immutable, Alias("mg.Actor")]
public sealed record Actor(string Id, string Name, EnvironmentRoles Roles)
{
    /// <summary>Whether the actor holds the Environment Admin role.</summary>
    public bool IsAdmin => Roles.HasFlag(EnvironmentRoles.EnvironmentAdmin);

    /// <summary>The actor as other records show it.</summary>
    public PrincipalRef Ref => new(Id, Name);
}
