namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>A reminder row as a write left it: first due time and period as ticks, and its version.</summary>
internal sealed record ReminderImage(long StartAtTicks, long PeriodTicks, long Version);
