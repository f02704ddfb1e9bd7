namespace MachineGrid.Grains;

/// <summary>A run not ended that a group or machine holds, and when it was submitted.</summary>
/// <param name="RunId">The run.</param>
/// <param name="EnqueuedAt">When it was submitted.</param>
[GenerateSerializer, Immutable, Alias("mg.RunNotEnded")]
public sealed record RunNotEnded(string RunId, DateTimeOffset EnqueuedAt);
