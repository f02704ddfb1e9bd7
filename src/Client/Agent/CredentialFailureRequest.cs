namespace MachineGrid.Client;

/// <summary>The body of <c>POST /agent/credentials/{credentialId}/failure</c>.</summary>
public sealed record CredentialFailureRequest(string Reason);
