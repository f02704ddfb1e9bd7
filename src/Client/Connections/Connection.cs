namespace MachineGrid.Client;

/// <summary>A connection as callers see it.</summary>
public sealed record Connection(
    string Id,
    string Name,
    ConnectionTarget Target,
    string? CredentialId,
    string? MappingId,
    ConnectionStatus Status,
    string? StatusReason,
    PrincipalRef? Owner);
