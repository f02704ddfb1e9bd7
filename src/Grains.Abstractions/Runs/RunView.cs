namespace MachineGrid.Grains;

/// <summary>A run as callers see it, with the machine and credential actually used, and who submitted it.</summary>
[GenerateSerializer, Immutable, Alias("mg.RunView")]
public sealed record RunView(
    string Id,
    RunStatus Status,
    string StatusReason,
    string FlowId,
    RunMode RunMode,
    string? GroupId,
    string? MachineId,
    CredentialUsed? Credential,
    RunPriority Priority,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int Attempts,
    int MaxAttempts,
    string? Outputs,
    string? Error,
    PrincipalRef? SubmittedBy = null);

/// <summary>The credential a run signed in with: name and username, never the secret.</summary>
[GenerateSerializer, Immutable, Alias("mg.CredentialUsed")]
public sealed record CredentialUsed(string Name, string Username);
