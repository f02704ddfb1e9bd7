namespace MachineGrid.Grains;

/// <summary>A new connection: a target plus a credential or a mapping (exactly one).</summary>
public sealed record CreateConnection(string Name, ConnectionTarget Target, string? CredentialId, string? MappingId);
