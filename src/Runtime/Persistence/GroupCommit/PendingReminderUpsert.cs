namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>An insert-or-replace of one reminder row.</summary>
internal sealed class PendingReminderUpsert(GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period) : PendingRecordWrite(grainId, name)
{
    private readonly TaskCompletionSource<ReminderEntry> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? storedVersion;

    /// <summary>First due time as UTC ticks.</summary>
    public long StartAtTicks { get; } = startAt.UtcTicks;

    /// <summary>Period in ticks; zero for a one-shot reminder.</summary>
    public long PeriodTicks { get; } = period.Ticks;

    /// <summary>Completes with the stored entry once durable.</summary>
    public Task<ReminderEntry> Task => completion.Task;

    /// <summary>Records the version the row got.</summary>
    public void RecordStored(long version) => storedVersion = version;

    /// <inheritdoc />
    public override void Complete()
    {
        if (storedVersion is { } version)
        {
            completion.TrySetResult(new ReminderEntry(GrainId, Name, new DateTimeOffset(StartAtTicks, TimeSpan.Zero), TimeSpan.FromTicks(PeriodTicks), StorageVersion.ToETag(version)));
        }
        else
        {
            completion.TrySetException(new InvalidOperationException($"The batch writer recorded no version for reminder '{Name}' of grain {GrainId}."));
        }
    }

    /// <inheritdoc />
    public override void Fail(Exception exception) => completion.TrySetException(exception);
}
