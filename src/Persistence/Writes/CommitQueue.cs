namespace MachineGrid.Persistence.Writes;

/// <summary>
/// The writes waiting for a commit, drained by one loop. Ordinary writes leave in the order they were made, as a batch
/// of up to <c>maxBatch</c> writes (and a size). Urgent writes leave first, all of them, with up to
/// <c>besideUrgent</c> of the oldest ordinary writes, so ordinary writes keep moving: an urgent write waits for the
/// commit under way and its own, not for every write queued before it. An urgent write never passes an earlier write
/// to the same record or row: the ordinary writes up to the last such one join its batch, which is applied in the order
/// the writes were made.
/// </summary>
internal sealed class CommitQueue : IAsyncDisposable
{
    private readonly Func<List<PendingWrite>, Task> handle;
    private readonly int maxBatch;
    private readonly long maxBytes;
    private readonly int besideUrgent;
    private readonly List<PendingWrite> ordinary = [];
    private readonly List<PendingWrite> urgent = [];
    private readonly Dictionary<WriteTarget, long> lastOrdinaryTo = [];
    private readonly Lock gate = new();
    private readonly Task loop;
    private TaskCompletionSource? idle;
    private long sequence;
    private bool closed;

    /// <summary>Starts the loop; <paramref name="handle"/> must not throw (it completes or fails each write itself).</summary>
    public CommitQueue(Func<List<PendingWrite>, Task> handle, int maxBatch, long maxBytes, int besideUrgent)
    {
        this.handle = handle;
        this.maxBatch = maxBatch;
        this.maxBytes = maxBytes;
        this.besideUrgent = besideUrgent;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues the write; false once the queue is shut down.</summary>
    public bool TryAdd(PendingWrite write, bool isUrgent)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            if (closed)
            {
                return false;
            }
            write.Sequence = ++sequence;
            if (isUrgent)
            {
                urgent.Add(write);
            }
            else
            {
                ordinary.Add(write);
                for (var t = 0; t < write.TargetCount; t++)
                {
                    lastOrdinaryTo[write.TargetAt(t)] = write.Sequence;
                }
            }
            (wake, idle) = (idle, null);
        }
        wake?.TrySetResult();
        return true;
    }

    /// <summary>Takes no more writes, and returns once those queued were handled.</summary>
    public async ValueTask DisposeAsync()
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            closed = true;
            (wake, idle) = (idle, null);
        }
        wake?.TrySetResult();
        await loop.ConfigureAwait(false);
    }

    /// <summary>The next batch, in the order its writes were made; empty when nothing waits.</summary>
    internal List<PendingWrite> TakeBatch()
    {
        lock (gate)
        {
            var urgentCount = Math.Min(urgent.Count, maxBatch);
            var ordinaryCount = urgentCount == 0 ? OrdinaryPrefix(maxBatch) : OrdinaryPrefix(Math.Min(besideUrgent, maxBatch - urgentCount));
            for (var i = 0; i < urgentCount; i++)
            {
                for (var t = 0; t < urgent[i].TargetCount; t++)
                {
                    var target = urgent[i].TargetAt(t);
                    if (lastOrdinaryTo.TryGetValue(target, out var last))
                    {
                        var before = last < urgent[i].Sequence ? PositionOf(last) : LastPositionBefore(urgent[i].Sequence, target, ordinaryCount);
                        ordinaryCount = Math.Max(ordinaryCount, before + 1);
                    }
                }
            }
            var batch = new List<PendingWrite>(urgentCount + ordinaryCount);
            int u = 0, o = 0;
            while (u < urgentCount || o < ordinaryCount)
            {
                batch.Add(o == ordinaryCount || (u < urgentCount && urgent[u].Sequence < ordinary[o].Sequence) ? urgent[u++] : ordinary[o++]);
            }
            for (var i = 0; i < ordinaryCount; i++)
            {
                var write = ordinary[i];
                for (var t = 0; t < write.TargetCount; t++)
                {
                    var target = write.TargetAt(t);
                    if (lastOrdinaryTo.TryGetValue(target, out var last) && last == write.Sequence)
                    {
                        lastOrdinaryTo.Remove(target);
                    }
                }
            }
            urgent.RemoveRange(0, urgentCount);
            ordinary.RemoveRange(0, ordinaryCount);
            return batch;
        }
    }

    /// <summary>How many of the oldest ordinary writes fit in <paramref name="count"/> writes and the size limit (the one that passes it still joins).</summary>
    private int OrdinaryPrefix(int count)
    {
        var taken = 0;
        long bytes = 0;
        while (taken < Math.Min(count, ordinary.Count) && bytes < maxBytes)
        {
            bytes += ordinary[taken++].PayloadLength;
        }
        return taken;
    }

    /// <summary>
    /// The position of the last ordinary write to <paramref name="target"/> made before <paramref name="sequenceNumber"/>,
    /// looked for down to <paramref name="taken"/> (the writes below are in the batch already); -1 when there is none.
    /// Needed only when a later ordinary write to the same target waits too.
    /// </summary>
    private int LastPositionBefore(long sequenceNumber, WriteTarget target, int taken)
    {
        for (var position = PositionOf(sequenceNumber) - 1; position >= taken; position--)
        {
            if (ordinary[position].Writes(target))
            {
                return position;
            }
        }
        return -1;
    }

    /// <summary>The position of the first ordinary write made at or after <paramref name="sequenceNumber"/> (the count if none).</summary>
    private int PositionOf(long sequenceNumber)
    {
        int low = 0, high = ordinary.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (ordinary[middle].Sequence < sequenceNumber)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            var batch = TakeBatch();
            if (batch.Count > 0)
            {
                await handle(batch).ConfigureAwait(false);
                continue;
            }
            Task wait;
            lock (gate)
            {
                if (urgent.Count > 0 || ordinary.Count > 0)
                {
                    continue;
                }
                if (closed)
                {
                    return;
                }
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = idle.Task;
            }
            await wait.ConfigureAwait(false);
        }
    }
}
