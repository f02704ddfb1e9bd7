namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>
/// The write operations of the storage contracts, expressed as queued writes. Every failure surfaces through the
/// returned task. Cancellation stops the wait, not a write already queued: a cancelled write may still commit.
/// Callers await the queued write's own task, without an async wrapper per write.
/// </summary>
internal static class WriteQueueExtensions
{
    /// <summary>Writes or (with null <paramref name="data"/>) clears a state record; returns the new ETag once durable.</summary>
    public static Task<string> WriteStateAsync(this IWriteQueue queue, GrainId grainId, string stateName, byte[]? data, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            StorageArguments.Validate(grainId, stateName, nameof(stateName));
            return cancellationToken.IsCancellationRequested
                ? Task.FromCanceled<string>(cancellationToken)
                : Queue(queue, new PendingStateWrite(grainId, stateName, data, etag)).Task.WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<string>(ex);
        }
    }

    /// <summary>Inserts or replaces a reminder; returns the stored entry once durable.</summary>
    public static Task<ReminderEntry> UpsertReminderAsync(this IWriteQueue queue, GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken)
    {
        try
        {
            StorageArguments.Validate(grainId, name, nameof(name));
            StorageArguments.ValidatePeriod(period);
            return cancellationToken.IsCancellationRequested
                ? Task.FromCanceled<ReminderEntry>(cancellationToken)
                : Queue(queue, new PendingReminderUpsert(grainId, name, startAt, period)).Task.WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<ReminderEntry>(ex);
        }
    }

    /// <summary>Removes a reminder if its ETag matches (null: any); returns whether a row was removed, once durable.</summary>
    public static Task<bool> RemoveReminderAsync(this IWriteQueue queue, GrainId grainId, string name, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            StorageArguments.Validate(grainId, name, nameof(name));
            return cancellationToken.IsCancellationRequested
                ? Task.FromCanceled<bool>(cancellationToken)
                : Queue(queue, new PendingReminderRemoval(grainId, name, etag)).Task.WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<bool>(ex);
        }
    }

    /// <summary>Applies index changes atomically, in order, in one commit; completes once durable (at once for no changes).</summary>
    public static Task ApplyIndexChangesAsync(this IWriteQueue queue, IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            var validated = IndexArguments.ValidateChanges(changes);
            return validated.Length == 0 ? Task.CompletedTask
                : cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken)
                : Queue(queue, new PendingIndexWrite(validated)).Task.WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>Queues <paramref name="write"/>; its task completes once it is durable (waiting on it with a token that cannot be cancelled returns that task itself).</summary>
    private static TWrite Queue<TWrite>(IWriteQueue queue, TWrite write)
        where TWrite : PendingWrite
    {
        queue.Enqueue(write);
        return write;
    }
}
