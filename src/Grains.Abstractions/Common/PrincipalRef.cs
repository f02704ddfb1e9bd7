namespace MachineGrid.Grains;

/// <summary>A user principal as other records show it.</summary>
public sealed record PrincipalRef(string Id, string Name);
