namespace MachineGrid.Grains;

/// <summary>A machine mapping as stored.</summary>
public sealed record MappingState
{
    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Optional description.</summary>
    public string? Description { get; init; }

    /// <summary>The credential used on machines without their own list.</summary>
    public string DefaultCredentialId { get; init; } = "";

    /// <summary>Machine id → the credentials mapped to it, in the order given.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Machines { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Owner and shares.</summary>
    public AccessList Access { get; init; } = new();

    /// <summary>The connections that keep this mapping's plan, told when it changes.</summary>
    public IReadOnlyList<string> PlanWatchers { get; init; } = [];

    /// <summary>Every credential the mapping lists: the default first, then each machine's, without repeats.</summary>
    public IReadOnlyList<string> CredentialIds() => [.. Machines.Values.SelectMany(ids => ids).Prepend(DefaultCredentialId).Distinct(StringComparer.Ordinal)];
}
