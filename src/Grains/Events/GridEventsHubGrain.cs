namespace MachineGrid.Grains;

/// <summary>Keeps the last minute of published changes in memory; a reader further behind gets all of them.</summary>
[Reentrant]
internal sealed class GridEventsHubGrain(TimeProvider time) : Grain, IGridEventsHubGrain
{
    private const int KeptBatches = 240;
    private static readonly TimeSpan ListenLease = TimeSpan.FromSeconds(10);
    private readonly Queue<(long Sequence, GridChanges Changes)> batches = new();
    private readonly Dictionary<string, RunActivity> activityBySilo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> listeners = new(StringComparer.Ordinal);
    private long sequence;

    public Task Publish(string siloId, GridChanges changes, RunActivity activity)
    {
        activityBySilo[siloId] = activity;
        if (!changes.IsEmpty && AnyListening())
        {
            batches.Enqueue((++sequence, changes));
            while (batches.Count > KeptBatches)
            {
                batches.Dequeue();
            }
        }
        return Task.CompletedTask;
    }

    public Task<GridFeed> Read(string gatewayId, long? cursor, bool listening)
    {
        if (listening)
        {
            listeners[gatewayId] = time.GetUtcNow() + ListenLease;
        }
        else
        {
            listeners.Remove(gatewayId);
        }
        if (cursor is null || cursor >= sequence)
        {
            return Task.FromResult(new GridFeed(sequence, GridChanges.None));
        }
        var unread = batches.Where(b => b.Sequence > cursor).Select(b => b.Changes).ToList();
        return Task.FromResult(new GridFeed(sequence, new GridChanges(
            [.. unread.SelectMany(c => c.Groups).Distinct()],
            [.. unread.SelectMany(c => c.Machines).Distinct()],
            [.. unread.SelectMany(c => c.RunQueues).Distinct()])));
    }

    public Task<RunActivity> Activity()
    {
        var all = activityBySilo.Values;
        return Task.FromResult(new RunActivity(
            all.Sum(a => a.Submitted),
            all.Sum(a => a.Assigned),
            all.Sum(a => a.Started),
            all.Sum(a => a.Ended),
            TimeSpan.FromTicks(all.Sum(a => a.AssignmentLatency.Ticks)),
            all.Count == 0 ? TimeSpan.Zero : all.Max(a => a.MaxAssignmentLatency)));
    }

    private bool AnyListening()
    {
        var now = time.GetUtcNow();
        foreach (var expired in listeners.Where(l => l.Value <= now).Select(l => l.Key).ToList())
        {
            listeners.Remove(expired);
        }
        return listeners.Count > 0;
    }
}
