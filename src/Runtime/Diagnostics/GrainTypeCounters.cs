namespace MachineGrid.Runtime.Diagnostics;

/// <summary>Cumulative runtime totals of one grain type.</summary>
/// <param name="GrainType">The grain class name.</param>
/// <param name="Activations">Live activations now.</param>
/// <param name="Calls">Calls completed so far.</param>
public sealed record GrainTypeCounters(string GrainType, long Activations, long Calls);
