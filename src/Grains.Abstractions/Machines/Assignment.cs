namespace MachineGrid.Grains;

/// <summary>A run handed to a machine's agent, with the credential it must sign in with (inputs and secret are fetched by the agent's channel).</summary>
/// <param name="RunId">The run.</param>
/// <param name="FlowId">The desktop flow to run.</param>
/// <param name="RunMode">Attended or unattended.</param>
/// <param name="CredentialId">The credential to use.</param>
/// <param name="Username">Its username.</param>
/// <param name="AcknowledgeBy">The agent must acknowledge the start before this time or the assignment is revoked.</param>
/// <param name="RunDeadline">When the run times out.</param>
/// <param name="EnqueuedAt">When the run was submitted (its place in run lists).</param>
[GenerateSerializer, Immutable, Alias("mg.Assignment")]
public sealed record Assignment(string RunId, string FlowId, RunMode RunMode, string CredentialId, string Username, DateTimeOffset AcknowledgeBy, DateTimeOffset RunDeadline, DateTimeOffset EnqueuedAt);
