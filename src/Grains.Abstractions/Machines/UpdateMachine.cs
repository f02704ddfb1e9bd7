namespace MachineGrid.Grains;

/// <summary>Changes to a machine's details; null fields stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("mg.UpdateMachine")]
public sealed record UpdateMachine(string? Description, bool? Maintenance, int? MaxSessions);
