namespace MachineGrid.Grains;

/// <summary>A credential as callers see it: never the secret.</summary>
[GenerateSerializer, Immutable, Alias("mg.CredentialView")]
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
[GenerateSerializer, Immutable, Alias("mg.CredentialFailure")]
public sealed record CredentialFailure(string MachineId, string Reason, DateTimeOffset At);
