namespace MachineGrid.Client;

/// <summary>A machine as callers see it.</summary>
/// <param name="Id">Machine id.</param>
/// <param name="Name">Machine name.</param>
/// <param name="Description">Optional description.</param>
/// <param name="Status">Online, Offline or Maintenance.</param>
/// <param name="Kind">Desktop or Server.</param>
/// <param name="MaxSessions">Sessions it can run at once.</param>
/// <param name="GroupId">Its group, if any.</param>
/// <param name="Sessions">Signed-in sessions and the runs they serve.</param>
/// <param name="LastHeartbeat">When its agent last reported.</param>
/// <param name="AgentVersion">Version of its agent.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Owner">Who registered it.</param>
/// <param name="Access">The caller's access.</param>
public sealed record Machine(
    string Id,
    string Name,
    string? Description,
    MachineStatus Status,
    MachineKind Kind,
    int MaxSessions,
    string? GroupId,
    IReadOnlyList<MachineSession>? Sessions,
    DateTimeOffset? LastHeartbeat,
    string? AgentVersion,
    string? Os,
    PrincipalRef? Owner,
    ResourceAccess? Access);
