namespace MachineGrid.Grains;

/// <summary>A signed-in user session on a machine, and the run it serves, if any.</summary>
[GenerateSerializer, Immutable, Alias("mg.SessionView")]
public sealed record SessionView(string User, string? RunId);
