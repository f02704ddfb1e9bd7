using System.Threading.Channels;

namespace MachineGrid.Persistence.Writes;

/// <summary>
/// A queue drained by one loop: each turn takes whatever waits, up to a count and a size (the item that passes the
/// size still joins), and hands it over as one batch. While a batch is being handled, the next one gathers.
/// </summary>
internal sealed class BatchLoop<T> : IAsyncDisposable
{
    private readonly Channel<T> queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<List<T>, Task> handle;
    private readonly int maxCount;
    private readonly long maxSize;
    private readonly Func<T, long> sizeOf;
    private readonly Task loop;

    /// <summary>Starts the loop; <paramref name="handle"/> must not throw (it completes or fails each item itself).</summary>
    public BatchLoop(Func<List<T>, Task> handle, int maxCount, long maxSize = long.MaxValue, Func<T, long>? sizeOf = null)
    {
        this.handle = handle;
        this.maxCount = maxCount;
        this.maxSize = maxSize;
        this.sizeOf = sizeOf ?? (_ => 0);
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues the item; false once the loop is shut down.</summary>
    public bool TryAdd(T item) => queue.Writer.TryWrite(item);

    /// <summary>Takes no more items, and returns once those queued were handled.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<T>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long size = 0;
            while (batch.Count < maxCount && size < maxSize && reader.TryRead(out var item))
            {
                batch.Add(item);
                size += sizeOf(item);
            }
            await handle(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }
}
