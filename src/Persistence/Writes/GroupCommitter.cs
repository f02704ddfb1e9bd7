using System.Threading.Channels;
using MachineGrid.Persistence.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Persistence.Writes;

/// <summary>
/// The writer of one database. A loop takes every write waiting, commits them in one transaction, and completes each
/// caller with its own outcome once the commit returned. A failed commit fails every write of that batch.
/// With group commit off, each write commits alone, concurrently, as one transaction per write.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StorageDatabase database;
    private readonly StorageOptions options;
    private readonly ILogger logger;
    private readonly Task loop;

    public GroupCommitter(StorageDatabase database, StorageOptions options, ILogger logger)
    {
        this.database = database;
        this.options = options;
        this.logger = logger;
        loop = options.GroupCommit ? Task.Run(RunAsync) : Task.CompletedTask;
    }

    public Task Submit(PendingWrite write)
    {
        if (!options.GroupCommit)
        {
            return CommitAsync([write]);
        }
        if (!queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter), "The storage is shut down and accepts no more writes.");
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<PendingWrite>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long payload = 0;
            while (batch.Count < options.MaxBatchWrites && payload < options.MaxBatchBytes && reader.TryRead(out var write))
            {
                batch.Add(write);
                payload += write.PayloadLength;
            }
            await CommitAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

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
