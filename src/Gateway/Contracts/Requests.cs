using System.Text.Json;

namespace MachineGrid.Gateway;

/// <summary><c>POST /principals</c>.</summary>
public sealed record CreatePrincipalRequest(string Name, IReadOnlyList<EnvironmentRoles> Roles);

/// <summary>A share on a group, machine, credential or mapping.</summary>
public sealed record ShareRequest(string PrincipalId, ResourceAccess Access);

/// <summary><c>PUT /groups/{id}/password</c>.</summary>
public sealed record PasswordRequest(string NewPassword);

/// <summary><c>PUT /machines/{id}/group</c>.</summary>
public sealed record JoinGroupRequest(string GroupId, string Password);

/// <summary><c>PUT /mappings/{id}/machines/{machineId}</c>.</summary>
public sealed record MachineCredentialsRequest(IReadOnlyList<string> CredentialIds);

/// <summary><c>POST /mappings/import</c>.</summary>
public sealed record ImportMappingRequest(MappingExport Document);

/// <summary><c>POST /runs</c>. Inputs are any JSON value, kept as sent.</summary>
public sealed record SubmitRunRequest(
    string ConnectionId,
    string FlowId,
    JsonElement? Inputs,
    RunMode? RunMode,
    RunPriority? Priority,
    int? QueueTimeoutSeconds,
    int? RunTimeoutSeconds,
    int? MaxAttempts,
    string? IdempotencyKey);

/// <summary><c>PATCH /runs/{id}</c>.</summary>
public sealed record PriorityRequest(RunPriority? Priority);

/// <summary>A signed-in session an agent reports.</summary>
public sealed record SessionRequest(string User);

/// <summary><c>POST /agent/heartbeat</c>. The agent instance id and fingerprint are optional; sent, they turn on clone detection.</summary>
public sealed record HeartbeatRequest(string? AgentInstanceId, string? Fingerprint, IReadOnlyList<SessionRequest>? Sessions, MachineStatus? Status);

/// <summary>How a run ended, as the agent reports it.</summary>
public enum RunOutcome
{
    /// <summary>The flow succeeded.</summary>
    Succeeded,
    /// <summary>The flow failed.</summary>
    Failed,
}

/// <summary><c>POST /agent/runs/{runId}/complete</c>.</summary>
public sealed record CompleteRunRequest(RunOutcome? Status, JsonElement? Outputs, string? Error);

/// <summary><c>POST /agent/credentials/{credentialId}/failure</c>.</summary>
public sealed record CredentialFailureRequest(string Reason);
