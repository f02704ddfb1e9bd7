namespace MachineGrid.Grains;

/// <summary>A credential a run may sign in with: its id, name and username (never the secret).</summary>
[GenerateSerializer, Immutable, Alias("mg.CredentialOption")]
public sealed record CredentialOption(string CredentialId, string Name, string Username);
