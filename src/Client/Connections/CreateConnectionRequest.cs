namespace MachineGrid.Client;

/// <summary>A new connection: a target plus a credential or a mapping (exactly one).</summary>
public sealed record CreateConnectionRequest(string Name, ConnectionTarget Target, string? CredentialId = null, string? MappingId = null);
