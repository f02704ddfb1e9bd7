namespace MachineGrid.Client;

/// <summary>Sets the password machines must present to join a group.</summary>
public sealed record SetGroupPasswordRequest(string NewPassword);
