namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>A conditional write or clear of one grain state record.</summary>
internal sealed class PendingStateWrite : PendingRecordWrite
{
    private readonly TaskCompletionSource<string> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool applied;
    private bool conflicted;
    private bool actualKnown;
    private long? actualVersion;

    /// <summary>Creates the write; <paramref name="data"/> null clears the record and leaves a tombstone.</summary>
    public PendingStateWrite(GrainId grainId, string stateName, byte[]? data, string? etag)
        : base(grainId, stateName)
    {
        Data = data;
        ExpectedETag = etag;
        ExpectedVersion = StorageVersion.FromETag(etag);
    }

    /// <summary>The new payload, or null for a clear.</summary>
    public byte[]? Data { get; }

    /// <summary>The ETag the caller read.</summary>
    public string? ExpectedETag { get; }

    /// <summary>The version that must be stored, or null when no record may exist.</summary>
    public long? ExpectedVersion { get; }

    /// <summary>The version the record has once this write applies.</summary>
    public long NewVersion => (ExpectedVersion ?? 0) + 1;

    /// <summary>Completes with the new ETag once durable.</summary>
    public Task<string> Task => completion.Task;

    /// <inheritdoc />
    public override int PayloadLength => Data?.Length ?? 0;

    /// <summary>Records that the row now has <see cref="NewVersion"/>.</summary>
    public void RecordApplied()
    {
        applied = true;
        conflicted = false;
    }

    /// <summary>Records that the stored version did not match; <paramref name="storedVersion"/> is null when no row exists.</summary>
    public void RecordConflict(long? storedVersion)
    {
        RecordConflict();
        actualKnown = true;
        actualVersion = storedVersion;
    }

    /// <summary>Records that the stored version did not match, without knowing the stored version.</summary>
    public void RecordConflict()
    {
        applied = false;
        conflicted = true;
        actualKnown = false;
        actualVersion = null;
    }

    /// <inheritdoc />
    public override void Complete()
    {
        if (conflicted)
        {
            completion.TrySetException(actualKnown
                ? StorageConflict.Create(GrainId, Name, ExpectedETag, actualVersion)
                : StorageConflict.CreateUnknown(GrainId, Name, ExpectedETag));
        }
        else if (applied)
        {
            completion.TrySetResult(StorageVersion.ToETag(NewVersion));
        }
        else
        {
            completion.TrySetException(new InvalidOperationException($"The batch writer recorded no outcome for state '{Name}' of grain {GrainId}."));
        }
    }

    /// <inheritdoc />
    public override void Fail(Exception exception) => completion.TrySetException(exception);
}
