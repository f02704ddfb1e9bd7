namespace MachineGrid.Client;

/// <summary>A new principal (Environment Admin only).</summary>
public sealed record CreatePrincipalRequest(string Name, IReadOnlyList<EnvironmentRole> Roles);
