namespace MachineGrid.Runtime;

/// <summary>A write found a newer version in storage than this activation read. The activation is dropped so the next call reloads.</summary>
public sealed class InconsistentStateException(string message) : Exception(message);
