using System.Text.Json;

namespace MachineGrid.Client;

/// <summary>A run as callers see it, with the machine and credential actually used.</summary>
/// <param name="Id">Run id.</param>
/// <param name="Status">Where it is in its lifecycle.</param>
/// <param name="StatusReason">Why it has that status (e.g. <c>Waiting</c>, <c>Completed</c>, <c>QueueTimeout</c>).</param>
/// <param name="MachineId">The machine it was assigned to, once assigned.</param>
/// <param name="Credential">The credential it signed in with, once assigned.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="EnqueuedAt">When it was queued.</param>
/// <param name="AssignedAt">When a machine was chosen.</param>
/// <param name="StartedAt">When the agent started it.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Attempts">How many times it was started.</param>
/// <param name="Outputs">Flow outputs the agent reported.</param>
/// <param name="FlowId">The flow.</param>
/// <param name="RunMode">Attended or unattended.</param>
/// <param name="GroupId">The group that scheduled it.</param>
/// <param name="MaxAttempts">How many times it may be started.</param>
/// <param name="Error">The error the agent reported, if it failed.</param>
/// <param name="SubmittedBy">The principal that submitted it.</param>
public sealed record Run(
    string Id,
    RunStatus Status,
    string? StatusReason,
    string? MachineId,
    RunCredential? Credential,
    RunPriority Priority,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int Attempts,
    JsonElement? Outputs,
    string? FlowId = null,
    RunMode? RunMode = null,
    string? GroupId = null,
    int? MaxAttempts = null,
    string? Error = null,
    PrincipalRef? SubmittedBy = null);
