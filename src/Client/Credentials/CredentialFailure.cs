namespace MachineGrid.Client;

/// <summary>A machine on which a credential failed to sign in.</summary>
public sealed record CredentialFailure(string MachineId, string Reason, DateTimeOffset At);
