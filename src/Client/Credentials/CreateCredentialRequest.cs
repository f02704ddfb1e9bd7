namespace MachineGrid.Client;

/// <summary>A new credential. <paramref name="Secret"/> is write-only and only for the Local store; other stores take <paramref name="SecretRef"/>.</summary>
public sealed record CreateCredentialRequest(
    string Name,
    string Username,
    CredentialStore Store,
    string? Secret = null,
    string? SecretRef = null,
    bool UsableInConnections = true);
