namespace MachineGrid.Grains;

/// <summary>A new principal and its API key, shown this once and stored only as a hash.</summary>
[GenerateSerializer, Immutable, Alias("mg.CreatedPrincipal")]
public sealed record CreatedPrincipal(PrincipalView Principal, string ApiKey);
