namespace MachineGrid.Client;

/// <summary>The credentials mapped to one machine.</summary>
public sealed record MachineCredentials(string MachineId, IReadOnlyList<string> CredentialIds);
