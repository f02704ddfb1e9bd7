namespace MachineGrid.Client;

/// <summary>A member of a group as the group schedules it (<c>GET /groups/{id}/machines</c>); <see cref="MachineGridClient.GetMachineAsync"/> has the full machine.</summary>
/// <param name="MachineId">The machine.</param>
/// <param name="Name">Its name.</param>
/// <param name="Online">Whether its agent heartbeats.</param>
/// <param name="Maintenance">Machine-level maintenance.</param>
/// <param name="MaxSessions">Sessions it can run at once.</param>
/// <param name="SignedInUsers">Users with an open session.</param>
/// <param name="FailedCredentials">Credentials that failed to sign in on it.</param>
public sealed record GroupMachine(
    string MachineId,
    string Name,
    bool Online,
    bool Maintenance,
    int MaxSessions,
    IReadOnlyList<string>? SignedInUsers,
    IReadOnlyList<string>? FailedCredentials);
