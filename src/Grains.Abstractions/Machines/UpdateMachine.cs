namespace MachineGrid.Grains;

/// <summary>Changes to a machine's details; null fields stay as they are.</summary>
public sealed record UpdateMachine(string? Description, bool? Maintenance, int? MaxSessions);
