namespace MachineGrid.Grains;

/// <summary>One page of a list and the cursor of the next page (null on the last).</summary>
[GenerateSerializer, Immutable, Alias("mg.Page`1")]
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
