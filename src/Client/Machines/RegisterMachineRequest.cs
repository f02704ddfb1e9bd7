namespace MachineGrid.Client;

/// <summary>Registration of a machine by its owner.</summary>
/// <param name="Name">Machine name.</param>
/// <param name="Kind">Desktop (one session) or Server (several).</param>
/// <param name="AgentVersion">Version of the machine's agent.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Fingerprint">Hardware identity; the agent must send the same one on every heartbeat.</param>
/// <param name="Description">Optional description.</param>
/// <param name="MaxSessions">Sessions a server may run at once; ignored for desktops.</param>
public sealed record RegisterMachineRequest(
    string Name,
    MachineKind Kind,
    string AgentVersion,
    string Os,
    string Fingerprint,
    string? Description = null,
    int? MaxSessions = null);
