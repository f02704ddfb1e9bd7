namespace MachineGrid.Grains;

/// <summary>A run a group holds, queued or placed on a member, and when it was submitted.</summary>
/// <param name="RunId">The run.</param>
/// <param name="EnqueuedAt">When it was submitted.</param>
public sealed record RunNotEnded(string RunId, DateTimeOffset EnqueuedAt);
