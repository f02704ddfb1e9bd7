namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>A delete of one reminder row, optionally only at a given version.</summary>
internal sealed class PendingReminderRemoval(GrainId grainId, string name, string? etag) : PendingRecordWrite(grainId, name)
{
    private readonly TaskCompletionSource<bool> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool removed;

    /// <summary>The version the row must have, or null to remove whatever is stored.</summary>
    public long? ExpectedVersion { get; } = StorageVersion.FromETag(etag);

    /// <summary>Completes with whether a row was removed, once durable.</summary>
    public Task<bool> Task => completion.Task;

    /// <summary>Records whether a row was deleted.</summary>
    public void RecordRemoved(bool rowRemoved) => removed = rowRemoved;

    /// <inheritdoc />
    public override void Complete() => completion.TrySetResult(removed);

    /// <inheritdoc />
    public override void Fail(Exception exception) => completion.TrySetException(exception);
}
