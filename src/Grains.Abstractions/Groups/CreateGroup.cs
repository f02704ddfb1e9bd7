namespace MachineGrid.Grains;

/// <summary>A new machine group.</summary>
public sealed record CreateGroup(string Name, string? Description);
