namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>
/// One change waiting in the group committer. The batch writer records its outcome while applying the batch;
/// the committer completes the caller's task only after the batch is durable.
/// </summary>
internal abstract class PendingWrite(GrainId grainId, string name)
{
    /// <summary>The grain whose record changes.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <summary>The state name or reminder name within the grain.</summary>
    public string Name { get; } = name;

    /// <summary>Payload bytes carried, used to bound the size of one batch.</summary>
    public virtual int PayloadLength => 0;

    /// <summary>Completes the caller's task with the recorded outcome; called once the batch committed.</summary>
    public abstract void Complete();

    /// <summary>Fails the caller's task because the batch did not commit.</summary>
    public abstract void Fail(Exception exception);
}
