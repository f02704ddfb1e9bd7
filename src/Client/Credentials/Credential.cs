namespace MachineGrid.Client;

/// <summary>A credential as callers see it: never the secret.</summary>
public sealed record Credential(
    string Id,
    string Name,
    string Username,
    CredentialStore Store,
    string? SecretRef,
    bool UsableInConnections,
    PrincipalRef? Owner,
    ResourceAccess? Access,
    IReadOnlyList<CredentialFailure>? Failures = null);
