using System.Text.Json;
using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>How a simulated flow ended: what the agent reports on completion.</summary>
public sealed record FlowResult(CompletionStatus Status, JsonElement? Outputs = null, string? Error = null)
{
    /// <summary>A successful flow without outputs.</summary>
    public static FlowResult Succeeded { get; } = new(CompletionStatus.Succeeded);

    /// <summary>A failed flow.</summary>
    public static FlowResult Failed(string error) => new(CompletionStatus.Failed, Error: error);
}
