namespace MachineGrid.Grains;

/// <summary>A connection as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("mg.ConnectionView")]
public sealed record ConnectionView(string Id, string Name, ConnectionTarget Target, string? CredentialId, string? MappingId, ConnectionStatus Status, string? StatusReason, PrincipalRef Owner);
