namespace MachineGrid.Client;

/// <summary>A newly registered machine and its machine key, which the gateway returns only this once.</summary>
/// <param name="Id">Machine id.</param>
/// <param name="Name">Machine name.</param>
/// <param name="Kind">Desktop or Server.</param>
/// <param name="MaxSessions">Sessions it can run at once.</param>
/// <param name="MachineKey">The key its agent authenticates with.</param>
/// <param name="Status">Its status.</param>
/// <param name="GroupId">Its group, if any.</param>
public sealed record RegisteredMachine(
    string Id,
    string Name,
    MachineKind Kind,
    int MaxSessions,
    string MachineKey,
    MachineStatus Status = MachineStatus.Offline,
    string? GroupId = null);
