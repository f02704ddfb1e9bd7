namespace MachineGrid.Client;

/// <summary>Grants a principal access to a group, machine, credential or mapping.</summary>
public sealed record ShareRequest(string PrincipalId, ResourceAccess Access);
