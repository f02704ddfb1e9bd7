namespace MachineGrid.Gateway.Tests;

/// <summary>A group whose machines heartbeat, with a credential and a connection that targets it.</summary>
public sealed record OnlineGroup(string GroupId, IReadOnlyList<Machine> Machines, string CredentialId, string Username, string ConnectionId);
