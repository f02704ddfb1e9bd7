namespace MachineGrid.Runtime.Persistence;

/// <summary>A stored state record: its serialized value (null when cleared) and its version.</summary>
public sealed record StoredState(byte[]? Data, string ETag);
