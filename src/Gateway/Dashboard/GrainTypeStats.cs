namespace MachineGrid.Gateway;

/// <summary>Activations and call rate of one grain type.</summary>
/// <param name="GrainType">The grain class.</param>
/// <param name="Activations">Live activations.</param>
/// <param name="CallsPerSecond">Calls per second over the last second.</param>
public sealed record GrainTypeStats(string GrainType, long Activations, double CallsPerSecond);
