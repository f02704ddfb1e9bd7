namespace MachineGrid.Grains;

/// <summary>A new connection: a target plus a credential or a mapping (exactly one).</summary>
[GenerateSerializer, Immutable, Alias("mg.CreateConnection")]
public sealed record CreateConnection(string Name, ConnectionTarget Target, string? CredentialId, string? MappingId);
