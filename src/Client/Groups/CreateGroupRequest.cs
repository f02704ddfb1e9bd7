namespace MachineGrid.Client;

/// <summary>A new machine group.</summary>
public sealed record CreateGroupRequest(string Name, string? Description = null);
