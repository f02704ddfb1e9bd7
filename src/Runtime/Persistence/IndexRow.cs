namespace MachineGrid.Runtime.Persistence;

/// <summary>One stored index row.</summary>
public sealed record IndexRow(string Key, byte[] Value);
