namespace MachineGrid.Client;

/// <summary>A principal and its environment roles.</summary>
public sealed record Principal(string Id, string Name, IReadOnlyList<EnvironmentRole> Roles);
