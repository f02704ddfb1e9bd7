namespace MachineGrid.Gateway.Tests;

/// <summary>A registered machine with its key, the fingerprint it registered with, and a client speaking as its agent.</summary>
public sealed record Machine(string Id, string Name, string Key, string Fingerprint, string AgentInstanceId, ApiClient Agent);
