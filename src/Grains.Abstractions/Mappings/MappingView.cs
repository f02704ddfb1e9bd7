namespace MachineGrid.Grains;

/// <summary>A machine mapping as callers see it.</summary>
public sealed record MappingView(string Id, string Name, string? Description, string DefaultCredentialId, IReadOnlyList<MachineCredentials> Machines, PrincipalRef Owner, ResourceAccess? Access);
