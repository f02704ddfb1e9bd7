namespace MachineGrid.Runtime.Reminders;

/// <summary>Durable storage of reminders. Writes return only after they are durable.</summary>
public interface IReminderTable
{
    /// <summary>Every stored reminder.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>The reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the reminder (the entry's ETag is ignored). Returns the stored entry with its new ETag.</summary>
    Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default);

    /// <summary>Removes the reminder if its ETag matches (null: whatever is stored). Returns whether a row was removed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, string? etag, CancellationToken cancellationToken = default);
}
