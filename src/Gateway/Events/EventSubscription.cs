namespace MachineGrid.Gateway;

/// <summary>
/// The changes one event stream has not yet sent: ids merged from every drain since the stream last took them, each at
/// most once, up to <see cref="MaxIds"/> per kind (more sets <see cref="PendingChanges.Overflow"/>, and the page refetches).
/// </summary>
public sealed class EventSubscription : IDisposable
{
    /// <summary>The most ids of one kind kept between two takes.</summary>
    public const int MaxIds = 1_000;

    private readonly EventBroadcaster broadcaster;
    private readonly Lock gate = new();
    private HashSet<string> groups = new(StringComparer.Ordinal);
    private HashSet<string> machines = new(StringComparer.Ordinal);
    private HashSet<string> runQueues = new(StringComparer.Ordinal);
    private bool overflow;

    internal EventSubscription(EventBroadcaster broadcaster)
    {
        this.broadcaster = broadcaster;
    }

    /// <summary>Takes what changed since the previous take.</summary>
    public async Task<PendingChanges> TakeAsync()
    {
        await broadcaster.PumpAsync();
        lock (gate)
        {
            var taken = new PendingChanges(groups, machines, runQueues, overflow);
            groups = new(StringComparer.Ordinal);
            machines = new(StringComparer.Ordinal);
            runQueues = new(StringComparer.Ordinal);
            overflow = false;
            return taken;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        broadcaster.Remove(this);
    }

    internal void Add(GridChanges changes)
    {
        lock (gate)
        {
            overflow |= !Merge(groups, changes.Groups) | !Merge(machines, changes.Machines) | !Merge(runQueues, changes.RunQueues);
        }
    }

    private static bool Merge(HashSet<string> into, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            if (into.Count >= MaxIds)
            {
                return false;
            }
            into.Add(id);
        }
        return true;
    }
}
