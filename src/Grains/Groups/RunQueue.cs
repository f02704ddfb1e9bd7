namespace MachineGrid.Grains;

/// <summary>
/// The in-memory index of a group's queued runs. Runs with the same credential source and run mode have the same
/// placement needs, so they form one FIFO lane ordered by (rank, order); only each lane's head can be placed next.
/// A lane whose head cannot be placed blocks only itself, and finding the next run costs O(lanes · log n).
/// </summary>
public sealed class RunQueue
{
    private readonly Dictionary<(string Source, RunMode Mode), SortedSet<QueueKey>> lanes = [];
    private readonly Dictionary<string, QueueKey> keys = [];

    /// <summary>Queued runs.</summary>
    public int Count => keys.Count;

    /// <summary>The head of every non-empty lane.</summary>
    public IEnumerable<QueueKey> Heads => lanes.Values.Select(lane => lane.Min!);

    /// <summary>Adds a run.</summary>
    public void Add(QueuedEntry entry)
    {
        var key = new QueueKey(entry.Rank, entry.Order, entry.Run.RunId, entry.Run.PlanSource, entry.Run.RunMode);
        keys.Add(key.RunId, key);
        var laneKey = (key.Source, key.Mode);
        if (!lanes.TryGetValue(laneKey, out var lane))
        {
            lanes[laneKey] = lane = new SortedSet<QueueKey>(QueueKey.Comparer);
        }
        lane.Add(key);
    }

    /// <summary>Removes a run; returns whether it was queued.</summary>
    public bool Remove(string runId)
    {
        if (!keys.Remove(runId, out var key))
        {
            return false;
        }
        var laneKey = (key.Source, key.Mode);
        var lane = lanes[laneKey];
        lane.Remove(key);
        if (lane.Count == 0)
        {
            lanes.Remove(laneKey);
        }
        return true;
    }

    /// <summary>Empties the queue.</summary>
    public void Clear()
    {
        lanes.Clear();
        keys.Clear();
    }

    /// <summary>All queued runs in assignment order (for listing; O(n log n)).</summary>
    public IEnumerable<QueueKey> InOrder() => keys.Values.Order(QueueKey.Comparer);
}

/// <summary>A queued run's sort key and lane.</summary>
public sealed record QueueKey(int Rank, long Order, string RunId, string Source, RunMode Mode)
{
    /// <summary>Orders by rank, then order, then run id.</summary>
    public static IComparer<QueueKey> Comparer { get; } = Comparer<QueueKey>.Create(static (a, b) =>
    {
        var byRank = a.Rank.CompareTo(b.Rank);
        if (byRank != 0)
        {
            return byRank;
        }
        var byOrder = a.Order.CompareTo(b.Order);
        return byOrder != 0 ? byOrder : string.CompareOrdinal(a.RunId, b.RunId);
    });
}
