namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>Applies a batch of pending writes to a database in one transaction and makes it durable.</summary>
internal interface IBatchWriter : IAsyncDisposable
{
    /// <summary>
    /// Applies the writes in order within one transaction, records each write's outcome on it, and commits. Completes
    /// once the next batch may be applied, with a task that completes once this batch is durable (at once for a writer
    /// whose commit is durable by itself). Throws when the batch did not commit; the outcomes recorded are then void.
    /// </summary>
    Task<Task> CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken);
}
