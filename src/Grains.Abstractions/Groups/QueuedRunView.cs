namespace MachineGrid.Grains;

/// <summary>A run waiting in a group's queue, in assignment order, with why it waits.</summary>
[GenerateSerializer, Immutable, Alias("mg.QueuedRunView")]
public sealed record QueuedRunView(string RunId, RunPriority Priority, int Position, DateTimeOffset EnqueuedAt, string WaitReason);
