namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>A database that accepts writes for group commit.</summary>
internal interface IWriteQueue
{
    /// <summary>Queues a write for the next group commit; await the write's own task for the outcome.</summary>
    /// <exception cref="ObjectDisposedException">The database is shut down.</exception>
    void Enqueue(PendingWrite write);
}
