namespace MachineGrid.Grains;

/// <summary>A user principal as other records show it.</summary>
[GenerateSerializer, Immutable, Alias("mg.PrincipalRef")]
public sealed record PrincipalRef(string Id, string Name);
