namespace MachineGrid.Grains;

/// <summary>Changes to a group; null fields stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("mg.UpdateGroup")]
public sealed record UpdateGroup(string? Name, string? Description, bool? Maintenance);
