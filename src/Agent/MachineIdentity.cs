namespace MachineGrid.Agent;

/// <summary>What a simulated machine needs to speak as a registered machine: its key and the fingerprint it registered with.</summary>
public sealed record MachineIdentity(string MachineKey, string Fingerprint, string? Name = null);
