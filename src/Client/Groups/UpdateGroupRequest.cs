namespace MachineGrid.Client;

/// <summary>Changes to a group; null fields are not sent and stay as they are.</summary>
public sealed record UpdateGroupRequest(string? Name = null, string? Description = null, bool? Maintenance = null);
