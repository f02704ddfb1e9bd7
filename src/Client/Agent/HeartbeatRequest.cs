namespace MachineGrid.Client;

/// <summary>What an agent reports on each heartbeat.</summary>
/// <param name="AgentInstanceId">Random id of the agent process; another live instance with another id is a clone.</param>
/// <param name="Fingerprint">The fingerprint the machine registered with.</param>
/// <param name="Sessions">Users with an open session on the machine.</param>
/// <param name="Status"><see cref="MachineStatus.Maintenance"/> or <see cref="MachineStatus.Online"/> to switch maintenance mode; null leaves it.</param>
public sealed record HeartbeatRequest(string AgentInstanceId, string Fingerprint, IReadOnlyList<AgentSession> Sessions, MachineStatus? Status = null);
