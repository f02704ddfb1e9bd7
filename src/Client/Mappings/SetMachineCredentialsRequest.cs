namespace MachineGrid.Client;

/// <summary>Replaces the credentials a mapping lists for one machine.</summary>
public sealed record SetMachineCredentialsRequest(IReadOnlyList<string> CredentialIds);
