using System.Text.Json;

namespace MachineGrid.Client;

/// <summary>A request to run a desktop flow through a connection.</summary>
/// <param name="ConnectionId">The connection naming the target and credentials.</param>
/// <param name="FlowId">The desktop flow to run.</param>
/// <param name="RunMode">Attended or unattended.</param>
/// <param name="Inputs">Flow inputs (any JSON value), handed to the agent as given.</param>
/// <param name="Priority">Queue priority; the server's default (Normal) when null.</param>
/// <param name="QueueTimeoutSeconds">How long it may wait in the queue.</param>
/// <param name="RunTimeoutSeconds">How long it may run once started.</param>
/// <param name="MaxAttempts">How many times it may be started.</param>
/// <param name="IdempotencyKey">Submitting again with the same key returns the same run. <see cref="MachineGridClient.SubmitRunAsync"/> fills one in when null.</param>
public sealed record SubmitRunRequest(
    string ConnectionId,
    string FlowId,
    RunMode RunMode = RunMode.Unattended,
    JsonElement? Inputs = null,
    RunPriority? Priority = null,
    int? QueueTimeoutSeconds = null,
    int? RunTimeoutSeconds = null,
    int? MaxAttempts = null,
    string? IdempotencyKey = null);
