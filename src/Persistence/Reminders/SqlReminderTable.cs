namespace MachineGrid.Persistence.Reminders;

// Placeholder while the reminder table is written; replaced in full.
internal sealed class SqlReminderTable(MachineGridStore store) : IReminderTable
{
    public Task<ReminderTableData> ReadRows(GrainId grainId) => throw new InvalidOperationException(store.Database.Kind);
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => throw new InvalidOperationException();
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => throw new InvalidOperationException();
    public Task<string?> UpsertRow(ReminderEntry entry) => throw new InvalidOperationException();
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => throw new InvalidOperationException();
    public Task TestOnlyClearTable() => throw new InvalidOperationException();
}
