namespace MachineGrid.Grains;

/// <summary>A new machine group.</summary>
[GenerateSerializer, Immutable, Alias("mg.CreateGroup")]
public sealed record CreateGroup(string Name, string? Description);
