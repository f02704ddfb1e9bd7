namespace MachineGrid.Gateway.Tests;

/// <summary>A principal created for a test, with its API key and a client that uses it.</summary>
public sealed record Principal(string Id, string Key, ApiClient Api);
