using System.Text.Json;
using System.Text.Json.Serialization;

namespace MachineGrid.Gateway;

/// <summary>A principal on the wire: roles as a list; the API key only on creation.</summary>
public sealed record PrincipalResponse(
    string Id,
    string Name,
    IReadOnlyList<EnvironmentRoles> Roles,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiKey)
{
    /// <summary>Converts a domain principal.</summary>
    public static PrincipalResponse From(PrincipalView view, string? apiKey = null) =>
        new(view.Id, view.Name, [.. Enum.GetValues<EnvironmentRoles>().Where(r => r != EnvironmentRoles.None && view.Roles.HasFlag(r))], apiKey);
}

/// <summary>A newly registered machine with its key, returned once.</summary>
public sealed record RegisteredMachineResponse(
    string Id, string Name, string? Description, MachineStatus Status, MachineKind Kind, int MaxSessions, string? GroupId,
    IReadOnlyList<SessionView> Sessions, DateTimeOffset? LastHeartbeat, string AgentVersion, string Os, PrincipalRef Owner,
    ResourceAccess? Access, string MachineKey)
{
    /// <summary>Converts a registration.</summary>
    public static RegisteredMachineResponse From(MachineRegistration r) => new(
        r.Machine.Id, r.Machine.Name, r.Machine.Description, r.Machine.Status, r.Machine.Kind, r.Machine.MaxSessions, r.Machine.GroupId,
        r.Machine.Sessions, r.Machine.LastHeartbeat, r.Machine.AgentVersion, r.Machine.Os, r.Machine.Owner, r.Machine.Access, r.MachineKey);
}

/// <summary>A run on the wire: outputs as the JSON the agent sent.</summary>
public sealed record RunResponse(
    string Id, RunStatus Status, string StatusReason, string FlowId, RunMode RunMode, string? GroupId, string? MachineId,
    CredentialUsed? Credential, RunPriority Priority, DateTimeOffset EnqueuedAt, DateTimeOffset? AssignedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt, int Attempts, int MaxAttempts, JsonElement? Outputs, string? Error, PrincipalRef? SubmittedBy)
{
    /// <summary>Converts a domain run.</summary>
    public static RunResponse From(RunView v) => new(
        v.Id, v.Status, v.StatusReason, v.FlowId, v.RunMode, v.GroupId, v.MachineId, v.Credential, v.Priority, v.EnqueuedAt,
        v.AssignedAt, v.StartedAt, v.EndedAt, v.Attempts, v.MaxAttempts, Json.Parse(v.Outputs), v.Error, v.SubmittedBy);
}

/// <summary>The credential an agent signs in with: this is the only place a secret is ever sent.</summary>
public sealed record AssignmentCredential(string Id, string Username, string Secret);

/// <summary>A run handed to an agent.</summary>
public sealed record AssignmentResponse(string RunId, string FlowId, JsonElement? Inputs, RunMode RunMode, AssignmentCredential Credential, DateTimeOffset RunDeadline);

/// <summary>JSON text kept by the domain, turned back into JSON on the wire.</summary>
public static class Json
{
    /// <summary>Parses stored JSON text; null stays null.</summary>
    public static JsonElement? Parse(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>The text of a JSON value; null stays null.</summary>
    public static string? Text(JsonElement? value) => value is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } v ? v.GetRawText() : null;
}
