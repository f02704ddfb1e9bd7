namespace MachineGrid.Grains;

/// <summary>The credentials mapped to one machine.</summary>
[GenerateSerializer, Immutable, Alias("mg.MachineCredentials")]
public sealed record MachineCredentials(string MachineId, IReadOnlyList<string> CredentialIds);
