namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>The changes of one <see cref="IIndexStore.ApplyAsync"/> call, applied in order within one batch.</summary>
internal sealed class PendingIndexWrite(IReadOnlyList<IndexChange> changes) : PendingWrite
{
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The puts and deletes, in the caller's order.</summary>
    public IReadOnlyList<IndexChange> Changes { get; } = changes;

    /// <summary>Completes once durable.</summary>
    public Task Task => completion.Task;

    /// <inheritdoc />
    public override int PayloadLength { get; } = (int)Math.Min(int.MaxValue, changes.Sum(change => 2L * change.Key.Length + (change.Value?.Length ?? 0)));

    /// <inheritdoc />
    public override string Description => $"{Changes.Count} index changes, the first to key '{Changes[0].Key}' of table '{Changes[0].Table}'";

    /// <inheritdoc />
    public override void Complete() => completion.TrySetResult();

    /// <inheritdoc />
    public override void Fail(Exception exception) => completion.TrySetException(exception);
}
