namespace MachineGrid.Grains;

/// <summary>Where a group placed a run that has not ended: the durable record a run rebuilds its placement from.</summary>
/// <param name="MachineId">The machine it is assigned to.</param>
/// <param name="Credential">The credential it signs in with.</param>
/// <param name="AssignedAt">When it was assigned.</param>
/// <param name="StartedAt">When the agent acknowledged its start; null while not started.</param>
/// <param name="Attempts">Attempts including this one.</param>
[GenerateSerializer, Immutable, Alias("mg.RunPlacement")]
public sealed record RunPlacement(string MachineId, CredentialOption Credential, DateTimeOffset AssignedAt, DateTimeOffset? StartedAt, int Attempts);
