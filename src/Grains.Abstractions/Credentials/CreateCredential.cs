namespace MachineGrid.Grains;

/// <summary>A new credential. <paramref name="Secret"/> is write-only and only for the Local store; other stores take <paramref name="SecretRef"/>.</summary>
[GenerateSerializer, Immutable, Alias("mg.CreateCredential")]
public sealed record CreateCredential(string Name, string Username, CredentialStore Store, string? Secret, string? SecretRef, bool UsableInConnections);
