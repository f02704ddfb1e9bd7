using System.Collections.Concurrent;

namespace MachineGrid.Grains;

/// <summary>
/// Where grains announce state changes for the live dashboard. Each announcement is one cheap call that never blocks
/// or awaits: it marks an id dirty (only while someone listens, so nothing accumulates otherwise) and counts run
/// transitions. A pump <see cref="Drain"/>s the marks a few times a second, so a burst of changes to the same group
/// becomes one mark.
/// </summary>
public sealed class GridEvents
{
    private readonly ConcurrentDictionary<string, byte> groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> machines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> runQueues = new(StringComparer.Ordinal);
    private int listeners;
    private long submitted;
    private long assigned;
    private long started;
    private long ended;
    private long assignmentTicks;
    private long maxAssignmentTicks;

    /// <summary>Whether anyone listens for changes (marks are dropped otherwise).</summary>
    public bool Listening => Volatile.Read(ref listeners) > 0;

    /// <summary>A group's details, members, counts or queue changed.</summary>
    public void GroupChanged(string groupId)
    {
        if (Listening)
        {
            groups.TryAdd(groupId, 0);
        }
    }

    /// <summary>A machine's status, heartbeat or sessions changed.</summary>
    public void MachineChanged(string machineId)
    {
        if (Listening)
        {
            machines.TryAdd(machineId, 0);
        }
    }

    /// <summary>A run of the group (or single-machine queue) <paramref name="groupId"/> changed from <paramref name="before"/> (null when new) to <paramref name="run"/>.</summary>
    public void RunChanged(string groupId, RunStatus? before, RunView run)
    {
        if (before != run.Status)
        {
            Count(before, run);
            GridMetrics.RunEntered(run);
        }
        if (Listening)
        {
            runQueues.TryAdd(groupId, 0);
        }
    }

    /// <summary>Starts listening; dispose the result to stop. Marks are kept only while at least one listener exists.</summary>
    public IDisposable Listen()
    {
        Interlocked.Increment(ref listeners);
        return new Listener(this);
    }

    /// <summary>Takes the ids marked since the previous drain.</summary>
    public GridChanges Drain() => new(Take(groups), Take(machines), Take(runQueues));

    /// <summary>Run transitions counted so far. The longest assignment latency is reset by each call.</summary>
    public RunActivity Activity() => new(
        Volatile.Read(ref submitted),
        Volatile.Read(ref assigned),
        Volatile.Read(ref started),
        Volatile.Read(ref ended),
        TimeSpan.FromTicks(Volatile.Read(ref assignmentTicks)),
        TimeSpan.FromTicks(Interlocked.Exchange(ref maxAssignmentTicks, 0)));

    private void Count(RunStatus? before, RunView run)
    {
        switch (run.Status)
        {
            case RunStatus.Queued when before is null:
                Interlocked.Increment(ref submitted);
                break;
            case RunStatus.Assigned when run.AssignedAt is { } at:
                var ticks = Math.Max(0, (at - run.EnqueuedAt).Ticks);
                Interlocked.Increment(ref assigned);
                Interlocked.Add(ref assignmentTicks, ticks);
                long seen;
                while (ticks > (seen = Volatile.Read(ref maxAssignmentTicks)) && Interlocked.CompareExchange(ref maxAssignmentTicks, ticks, seen) != seen)
                {
                }
                break;
            case RunStatus.Running:
                Interlocked.Increment(ref started);
                break;
            case RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled or RunStatus.TimedOut:
                Interlocked.Increment(ref ended);
                break;
        }
    }

    private static IReadOnlyList<string> Take(ConcurrentDictionary<string, byte> marks)
    {
        if (marks.IsEmpty)
        {
            return [];
        }
        var taken = new List<string>();
        foreach (var (id, _) in marks)
        {
            // Removing before the reader looks at the grain is safe: a change after this point marks the id again.
            if (marks.TryRemove(id, out _))
            {
                taken.Add(id);
            }
        }
        return taken;
    }

    private sealed class Listener(GridEvents events) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0 && Interlocked.Decrement(ref events.listeners) == 0)
            {
                events.groups.Clear();
                events.machines.Clear();
                events.runQueues.Clear();
            }
        }
    }
}
