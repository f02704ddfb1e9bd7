namespace MachineGrid.Grains;

/// <summary>Which runs to list; all fields optional. Runs come newest first.</summary>
[GenerateSerializer, Immutable, Alias("mg.RunFilter")]
public sealed record RunFilter(string? GroupId = null, string? MachineId = null, RunStatus? Status = null);
