using System.Diagnostics;
using System.Threading.Channels;
using MachineGrid.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>
/// The single writer of a database. A background loop drains every write waiting in the queue, hands them to the
/// <see cref="IBatchWriter"/> as one transaction, and completes each caller individually once the commit is durable;
/// the next batch may be applied meanwhile. A failed commit fails every write of that batch. Disposing stops accepting
/// writes, flushes the queue, waits for the last batch to be durable, and closes the writer.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBatchWriter writer;
    private readonly GroupCommitLimits limits;
    private readonly KeyValuePair<string, object?> providerTag;
    private readonly ILogger logger;
    private readonly Task loop;
    private Task lastDurable = Task.CompletedTask;
    private int disposed;

    /// <summary>Starts the commit loop.</summary>
    /// <param name="writer">Applies each batch; owned and disposed by the committer.</param>
    /// <param name="provider">Provider name, used as the <c>storage.provider</c> metric tag.</param>
    /// <param name="limits">Batch bounds.</param>
    /// <param name="logger">Receives commit failures.</param>
    public GroupCommitter(IBatchWriter writer, string provider, GroupCommitLimits limits, ILogger logger)
    {
        this.writer = writer;
        this.limits = limits;
        this.logger = logger;
        providerTag = new("storage.provider", provider);
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a write; the caller awaits the write's own task.</summary>
    /// <exception cref="ObjectDisposedException">The committer no longer accepts writes.</exception>
    public void Enqueue(PendingWrite write)
    {
        if (!queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter), "The storage is shut down and accepts no more writes.");
        }
    }

    /// <summary>Stops accepting writes, commits those already queued, and closes the database writer.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        await lastDurable.ConfigureAwait(false);
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<PendingWrite>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long payloadBytes = 0;
            while (batch.Count < limits.MaxWrites && payloadBytes < limits.MaxPayloadBytes && reader.TryRead(out var write))
            {
                batch.Add(write);
                payloadBytes += write.PayloadLength;
            }
            await CommitAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        Task durable;
        try
        {
            durable = await writer.CommitAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(batch, ex);
            return;
        }
        // Batches become durable in commit order, so the last one's task tells when all are.
        lastDurable = CompleteWhenDurableAsync([.. batch], durable, started);
    }

    private async Task CompleteWhenDurableAsync(PendingWrite[] batch, Task durable, long started)
    {
        try
        {
            await durable.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(batch, ex);
            return;
        }
        RuntimeMetrics.StorageCommitLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, providerTag);
        RuntimeMetrics.StorageBatchSize.Record(batch.Count(write => write.IsCallerWrite), providerTag);
        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    private void Fail(IReadOnlyList<PendingWrite> batch, Exception ex)
    {
        logger.LogError(ex, "Storage commit of {BatchSize} writes failed; the first was {FirstWrite}.", batch.Count, batch[0].Description);
        foreach (var write in batch)
        {
            write.Fail(ex);
        }
    }
}
