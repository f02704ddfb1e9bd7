namespace MachineGrid.Grains;

/// <summary>What a machine's agent reports on each heartbeat.</summary>
/// <param name="AgentInstanceId">Random id of the agent process, if it sends one; a second live instance with another id is a clone.</param>
/// <param name="Fingerprint">Hardware identity, if the agent sends one; it must match the registration.</param>
/// <param name="SignedInUsers">Users with an open session on the machine.</param>
/// <param name="Maintenance">When set, turns maintenance mode on or off.</param>
[GenerateSerializer, Immutable, Alias("mg.AgentHeartbeat")]
public sealed record AgentHeartbeat(string? AgentInstanceId, string? Fingerprint, IReadOnlyList<string> SignedInUsers, bool? Maintenance = null);
