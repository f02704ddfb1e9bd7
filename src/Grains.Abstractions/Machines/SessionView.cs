namespace MachineGrid.Grains;

/// <summary>A signed-in user session on a machine, and the run it serves, if any.</summary>
public sealed record SessionView(string User, string? RunId);
