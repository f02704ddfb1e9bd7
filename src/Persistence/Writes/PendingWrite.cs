namespace MachineGrid.Persistence.Writes;

/// <summary>
/// One caller's change waiting for a commit. The database records its outcome while applying the batch; the caller's
/// task completes only after the batch's commit returned, so nothing is acknowledged before it is durable.
/// </summary>
internal abstract class PendingWrite
{
    public abstract int PayloadLength { get; }

    /// <summary>Its place in the order writes were made, set when it is queued.</summary>
    public long Sequence { get; set; }

    /// <summary>How many grain states and rows it writes; <see cref="TargetAt"/> names them (no enumerator per write).</summary>
    public abstract int TargetCount { get; }

    public abstract WriteTarget TargetAt(int index);

    public bool Writes(WriteTarget target)
    {
        for (var i = 0; i < TargetCount; i++)
        {
            if (TargetAt(i) == target)
            {
                return true;
            }
        }
        return false;
    }

    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

/// <summary>
/// A conditional write (JSON) or clear (null JSON) of one grain state, with the read-model rows it carries.
/// A null expected version means no row may exist yet; the stored version then becomes 1. Otherwise the stored
/// version must equal it and becomes one more.
/// </summary>
internal sealed class PendingStateWrite(string grainId, string stateName, string? json, long? expectedVersion, RowChange[] rows) : PendingWrite
{
    private readonly TaskCompletionSource<long> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool? applied;

    public string GrainId { get; } = grainId;

    public string StateName { get; } = stateName;

    public string? Json { get; } = json;

    public long? ExpectedVersion { get; } = expectedVersion;

    public RowChange[] Rows { get; } = rows;

    public long NewVersion => (ExpectedVersion ?? 0) + 1;

    public bool? Applied => applied;

    public Task<long> Task => completion.Task;

    public override int PayloadLength => (Json?.Length ?? 0) + Rows.Sum(row => row.Key.Length + (row.Value?.Length ?? 0));

    public override int TargetCount => 1 + Rows.Length;

    public override WriteTarget TargetAt(int index) =>
        index == 0 ? new WriteTarget(GrainId, StateName, IsRow: false) : new WriteTarget(Rows[index - 1].Table, Rows[index - 1].Key, IsRow: true);

    public void RecordOutcome(bool wasApplied) => applied = wasApplied;

    public override void Complete()
    {
        switch (applied)
        {
            case true:
                completion.TrySetResult(NewVersion);
                break;
            case false:
                completion.TrySetException(new StaleVersionException());
                break;
            default:
                completion.TrySetException(new InvalidOperationException($"No outcome was recorded for state '{StateName}' of {GrainId}."));
                break;
        }
    }

    public override void Fail(Exception exception) => completion.TrySetException(exception);
}

/// <summary>Read-model rows written on their own, atomically.</summary>
internal sealed class PendingRowsWrite(RowChange[] rows) : PendingWrite
{
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RowChange[] Rows { get; } = rows;

    public Task Task => completion.Task;

    public override int PayloadLength => Rows.Sum(row => row.Key.Length + (row.Value?.Length ?? 0));

    public override int TargetCount => Rows.Length;

    public override WriteTarget TargetAt(int index) => new(Rows[index].Table, Rows[index].Key, IsRow: true);

    public override void Complete() => completion.TrySetResult();

    public override void Fail(Exception exception) => completion.TrySetException(exception);
}

/// <summary>Raised inside the storage when a state write met another version; the grain storage turns it into Orleans' exception.</summary>
internal sealed class StaleVersionException() : Exception("The stored version differs from the expected one.");

/// <summary>A grain state (grain id and state name) or a read-model row (table and key) that a write changes.</summary>
internal readonly record struct WriteTarget(string Scope, string Name, bool IsRow);
