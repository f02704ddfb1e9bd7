namespace MachineGrid.Grains;

/// <summary>A run a group has placed on a machine and that has not ended.</summary>
/// <param name="Assignment">What the machine's agent is handed.</param>
/// <param name="Started">Whether the agent acknowledged its start.</param>
[GenerateSerializer, Immutable, Alias("mg.PlacedRun")]
public sealed record PlacedRun(Assignment Assignment, bool Started);
