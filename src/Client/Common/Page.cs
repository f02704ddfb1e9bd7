namespace MachineGrid.Client;

/// <summary>One page of a list and the cursor of the next page (null on the last).</summary>
/// <param name="Items">The items of this page.</param>
/// <param name="Next">Pass as <c>cursor</c> to read the next page; null when this is the last.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
