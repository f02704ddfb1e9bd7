namespace MachineGrid.Client;

/// <summary>The credential a run signed in with: name and username, never the secret.</summary>
public sealed record RunCredential(string Name, string Username);
