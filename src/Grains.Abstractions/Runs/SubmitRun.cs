namespace MachineGrid.Grains;

/// <summary>A request to run a desktop flow through a connection.</summary>
[GenerateSerializer, Immutable, Alias("mg.SubmitRun")]
public sealed record SubmitRun(
    string ConnectionId,
    string FlowId,
    string? Inputs,
    RunMode RunMode,
    RunPriority Priority = RunPriority.Normal,
    int? QueueTimeoutSeconds = null,
    int? RunTimeoutSeconds = null,
    int MaxAttempts = 1,
    string? IdempotencyKey = null);
