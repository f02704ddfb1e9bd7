namespace MachineGrid.Grains;

/// <summary>A user principal and its environment roles.</summary>
[GenerateSerializer, Immutable, Alias("mg.PrincipalView")]
public sealed record PrincipalView(string Id, string Name, EnvironmentRoles Roles);
