namespace MachineGrid.Client;

/// <summary>Changes to a machine; null fields are not sent and stay as they are.</summary>
public sealed record UpdateMachineRequest(string? Description = null, bool? Maintenance = null, int? MaxSessions = null);
