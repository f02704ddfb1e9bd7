namespace MachineGrid.Grains;

/// <summary>A principal's access to a resource.</summary>
[GenerateSerializer, Immutable, Alias("mg.ShareEntry")]
public sealed record ShareEntry(string PrincipalId, ResourceAccess Access);
