namespace MachineGrid.Client;

/// <summary>A new machine mapping: a default credential and, per machine, the credentials to sign in with.</summary>
public sealed record CreateMappingRequest(string Name, string DefaultCredentialId, IReadOnlyList<MachineCredentials> Machines, string? Description = null);
