namespace MachineGrid.Client;

/// <summary>A principal as other records show it (e.g. a resource's owner).</summary>
public sealed record PrincipalRef(string Id, string Name);
