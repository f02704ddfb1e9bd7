namespace MachineGrid.Grains;

/// <summary>A credential as callers see it: never the secret.</summary>
public sealed record CredentialView(
    string Id,
    string Name,
    string Username,
    CredentialStore Store,
    string? SecretRef,
    bool UsableInConnections,
    PrincipalRef Owner,
    ResourceAccess? Access,
    IReadOnlyList<CredentialFailure> Failures);

/// <summary>A machine on which the credential failed to sign in.</summary>
public sealed record CredentialFailure(string MachineId, string Reason, DateTimeOffset At);
