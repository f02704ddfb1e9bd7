namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>
/// One change waiting in the group committer. The batch writer records its outcome while applying the batch;
/// the committer completes the caller's task only after the batch is durable.
/// </summary>
internal abstract class PendingWrite
{
    /// <summary>Payload bytes carried, used to bound the size of one batch.</summary>
    public virtual int PayloadLength => 0;

    /// <summary>Whether this is a caller's write (counted in the batch size), rather than a request to the writer.</summary>
    public virtual bool IsCallerWrite => true;

    /// <summary>What the write changes, for log messages.</summary>
    public abstract string Description { get; }

    /// <summary>Completes the caller's task with the recorded outcome; called once the batch committed.</summary>
    public abstract void Complete();

    /// <summary>Fails the caller's task because the batch did not commit.</summary>
    public abstract void Fail(Exception exception);
}
