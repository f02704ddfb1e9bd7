using System.Text.Json;

namespace MachineGrid.Client;

/// <summary>The body of <c>POST /agent/runs/{runId}/complete</c>.</summary>
public sealed record CompleteRunRequest(CompletionStatus Status, JsonElement? Outputs = null, string? Error = null);
