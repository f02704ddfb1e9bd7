namespace MachineGrid.Grains;

/// <summary>Changes to a group; null fields stay as they are.</summary>
public sealed record UpdateGroup(string? Name, string? Description, bool? Maintenance);
