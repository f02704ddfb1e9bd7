namespace MachineGrid.Client;

/// <summary>A machine mapping as callers see it.</summary>
public sealed record Mapping(
    string Id,
    string Name,
    string? Description,
    string DefaultCredentialId,
    IReadOnlyList<MachineCredentials> Machines,
    PrincipalRef? Owner,
    ResourceAccess? Access);
