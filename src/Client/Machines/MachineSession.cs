namespace MachineGrid.Client;

/// <summary>A signed-in user session on a machine, and the run it serves, if any.</summary>
public sealed record MachineSession(string User, string? RunId = null);
