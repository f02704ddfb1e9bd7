namespace MachineGrid.Client;

/// <summary>A created principal with its API key, which the gateway returns only this once.</summary>
public sealed record CreatedPrincipal(string Id, string Name, IReadOnlyList<EnvironmentRole> Roles, string ApiKey);
