namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>Applies a batch of pending writes to a database in one durable transaction.</summary>
internal interface IBatchWriter : IAsyncDisposable
{
    /// <summary>
    /// Applies the writes in order within one transaction, records each write's outcome on it, and commits durably.
    /// Throws when the batch did not commit; the outcomes recorded are then void.
    /// </summary>
    Task CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken);
}
