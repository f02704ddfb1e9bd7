using System.Text.Json;

namespace MachineGrid.Client;

/// <summary>A run handed to this machine by <c>GET /agent/assignments</c>. Start it within 30 s.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FlowId">The desktop flow to run.</param>
/// <param name="Inputs">Flow inputs as submitted.</param>
/// <param name="RunMode">Attended or unattended.</param>
/// <param name="Credential">The credential to sign in with.</param>
/// <param name="RunDeadline">When the run times out.</param>
/// <param name="CredentialId">The credential id, when the gateway sends it at the top level.</param>
public sealed record AgentAssignment(
    string RunId,
    string FlowId,
    JsonElement? Inputs,
    RunMode RunMode,
    AssignmentCredential? Credential,
    DateTimeOffset? RunDeadline,
    string? CredentialId = null)
{
    /// <summary>The id of the credential to report a sign-in failure against, if the gateway sent one.</summary>
    public string? ResolvedCredentialId => CredentialId ?? Credential?.Id;
}
