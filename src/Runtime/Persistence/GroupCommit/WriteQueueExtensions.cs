namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>
/// The write operations of the storage contracts, expressed as queued writes. Every failure surfaces through the
/// returned task. Cancellation stops the wait, not a write already queued: a cancelled write may still commit.
/// </summary>
internal static class WriteQueueExtensions
{
    /// <summary>Writes or (with null <paramref name="data"/>) clears a state record; returns the new ETag once durable.</summary>
    public static async Task<string> WriteStateAsync(this IWriteQueue queue, GrainId grainId, string stateName, byte[]? data, string? etag, CancellationToken cancellationToken)
    {
        StorageArguments.Validate(grainId, stateName, nameof(stateName));
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingStateWrite(grainId, stateName, data, etag);
        queue.Enqueue(write);
        return await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts or replaces a reminder; returns the stored entry once durable.</summary>
    public static async Task<ReminderEntry> UpsertReminderAsync(this IWriteQueue queue, GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken)
    {
        StorageArguments.Validate(grainId, name, nameof(name));
        StorageArguments.ValidatePeriod(period);
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingReminderUpsert(grainId, name, startAt, period);
        queue.Enqueue(write);
        return await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a reminder if its ETag matches (null: any); returns whether a row was removed, once durable.</summary>
    public static async Task<bool> RemoveReminderAsync(this IWriteQueue queue, GrainId grainId, string name, string? etag, CancellationToken cancellationToken)
    {
        StorageArguments.Validate(grainId, name, nameof(name));
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingReminderRemoval(grainId, name, etag);
        queue.Enqueue(write);
        return await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies index changes atomically, in order, in one commit; completes once durable (at once for no changes).</summary>
    public static async Task ApplyIndexChangesAsync(this IWriteQueue queue, IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken)
    {
        var validated = IndexArguments.ValidateChanges(changes);
        if (validated.Length == 0)
        {
            return;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingIndexWrite(validated);
        queue.Enqueue(write);
        await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
