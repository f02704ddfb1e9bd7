namespace MachineGrid.Grains;

/// <summary>A user principal and its environment roles.</summary>
public sealed record PrincipalView(string Id, string Name, EnvironmentRoles Roles);
