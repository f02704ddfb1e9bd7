namespace MachineGrid.Grains;

/// <summary>A new principal and its API key, shown this once and stored only as a hash.</summary>
public sealed record CreatedPrincipal(PrincipalView Principal, string ApiKey);
