namespace MachineGrid.Grains;

/// <summary>Registration of a machine by its owner.</summary>
/// <param name="Name">Machine name, unique in practice but not enforced.</param>
/// <param name="Description">Optional description.</param>
/// <param name="Kind">Desktop (one session) or Server (several).</param>
/// <param name="MaxSessions">Sessions a server may run at once; ignored for desktops (always 1).</param>
/// <param name="AgentVersion">Version of the machine's agent.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Fingerprint">Hardware identity reported by the agent.</param>
[GenerateSerializer, Immutable, Alias("mg.RegisterMachine")]
public sealed record RegisterMachine(string Name, string? Description, MachineKind Kind, int? MaxSessions, string AgentVersion, string Os, string Fingerprint);
