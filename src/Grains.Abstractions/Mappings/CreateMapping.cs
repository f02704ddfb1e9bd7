namespace MachineGrid.Grains;

/// <summary>A new machine mapping: a default credential and, per machine, the credentials to sign in with.</summary>
[GenerateSerializer, Immutable, Alias("mg.CreateMapping")]
public sealed record CreateMapping(string Name, string? Description, string DefaultCredentialId, IReadOnlyList<MachineCredentials> Machines);
