namespace MachineGrid.Grains;

/// <summary>What a group needs to know of a member machine to schedule on it; sent by the machine on every change.</summary>
/// <param name="MachineId">The machine.</param>
/// <param name="Name">Its name.</param>
/// <param name="Online">Whether its agent heartbeats.</param>
/// <param name="Maintenance">Machine-level maintenance.</param>
/// <param name="MaxSessions">Sessions it can run at once.</param>
/// <param name="SignedInUsers">Users with an open session.</param>
/// <param name="FailedCredentials">Credentials that failed to sign in on it.</param>
[GenerateSerializer, Immutable, Alias("mg.MachineAvailability")]
public sealed record MachineAvailability(string MachineId, string Name, bool Online, bool Maintenance, int MaxSessions, IReadOnlyList<string> SignedInUsers, IReadOnlyList<string> FailedCredentials);
