using MachineGrid.Persistence.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Persistence.Writes;

/// <summary>
/// The writer of one database. A loop takes the writes waiting (<see cref="CommitQueue"/>), commits them in one
/// transaction, and completes each caller with its own outcome once the commit returned. A failed commit fails every write of that batch.
/// With group commit off, each write commits alone, concurrently, as one transaction per write.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly StorageDatabase database;
    private readonly ILogger logger;
    private readonly CommitQueue? queue;

    public GroupCommitter(StorageDatabase database, StorageOptions options, ILogger logger)
    {
        this.database = database;
        this.logger = logger;
        queue = options.GroupCommit ? new CommitQueue(CommitAsync, options.MaxBatchWrites, options.MaxBatchBytes, options.MaxWritesBesideUrgent) : null;
    }

    public Task Submit(PendingWrite write)
    {
        if (queue is null)
        {
            return CommitAsync([write]);
        }
        if (!queue.TryAdd(write, WritePriority.IsUrgent))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter), "The storage is shut down and accepts no more writes.");
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => queue?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await database.CommitAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A {Database} commit of {Writes} writes failed; none of them was acknowledged.", database.Kind, batch.Count);
            var failure = StorageFailures.Wrap(ex, database.Kind, "a commit; none of its writes was acknowledged");
            foreach (var write in batch)
            {
                write.Fail(failure);
            }
            return;
        }
        StorageMetrics.RecordCommit(database.Kind, batch.Count, TimeProvider.System.GetElapsedTime(started));
        foreach (var write in batch)
        {
            write.Complete();
        }
    }
}
