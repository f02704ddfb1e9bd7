namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>A state record as a write left it: its payload (none when cleared) and its version.</summary>
internal readonly record struct StateImage(Payload Data, long Version);
