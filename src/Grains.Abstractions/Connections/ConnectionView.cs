namespace MachineGrid.Grains;

/// <summary>A connection as callers see it.</summary>
public sealed record ConnectionView(string Id, string Name, ConnectionTarget Target, string? CredentialId, string? MappingId, ConnectionStatus Status, string? StatusReason, PrincipalRef Owner);
