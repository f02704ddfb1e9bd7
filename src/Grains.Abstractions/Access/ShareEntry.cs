namespace MachineGrid.Grains;

/// <summary>A principal's access to a resource.</summary>
public sealed record ShareEntry(string PrincipalId, ResourceAccess Access);
