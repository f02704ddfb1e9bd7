namespace MachineGrid.Client;

/// <summary>A run waiting in a group's queue, in assignment order, with why it waits.</summary>
public sealed record QueuedRun(string RunId, RunPriority Priority, int Position, DateTimeOffset EnqueuedAt, string? WaitReason);
