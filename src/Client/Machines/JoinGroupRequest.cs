namespace MachineGrid.Client;

/// <summary>Joins a machine to a group (a machine already in a group moves).</summary>
public sealed record JoinGroupRequest(string GroupId, string Password);
