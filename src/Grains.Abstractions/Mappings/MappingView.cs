namespace MachineGrid.Grains;

/// <summary>A machine mapping as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("mg.MappingView")]
public sealed record MappingView(string Id, string Name, string? Description, string DefaultCredentialId, IReadOnlyList<MachineCredentials> Machines, PrincipalRef Owner, ResourceAccess? Access);
