namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>A state record as a write left it: its payload (null when cleared) and its version.</summary>
internal readonly record struct StateImage(byte[]? Data, long Version);
