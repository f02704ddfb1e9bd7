namespace MachineGrid.Grains;

/// <summary>What a connection runs on: one machine or a group (exactly one is set).</summary>
[GenerateSerializer, Immutable, Alias("mg.ConnectionTarget")]
public sealed record ConnectionTarget(string? MachineId, string? GroupId);
