namespace MachineGrid.Agent;

/// <summary>Counters shared by the simulated machines of a fleet; thread-safe.</summary>
public sealed class FleetCounters
{
    private long machines;
    private long online;
    private long assigned;
    private long running;
    private long succeeded;
    private long failed;
    private long rejected;
    private long errors;
    private string? lastError;

    /// <summary>A machine loop started.</summary>
    internal void MachineStarted() => Interlocked.Increment(ref machines);

    /// <summary>A machine loop ended.</summary>
    internal void MachineStopped() => Interlocked.Decrement(ref machines);

    /// <summary>A machine's heartbeat state changed.</summary>
    internal void OnlineChanged(bool isOnline) => Interlocked.Add(ref online, isOnline ? 1 : -1);

    /// <summary>An assignment arrived.</summary>
    internal void Assigned() => Interlocked.Increment(ref assigned);

    /// <summary>The gateway refused to start an assigned run (e.g. it was cancelled meanwhile).</summary>
    internal void StartRejected() => Interlocked.Increment(ref rejected);

    /// <summary>A flow started.</summary>
    internal void FlowStarted() => Interlocked.Increment(ref running);

    /// <summary>A flow ended and was reported.</summary>
    internal void FlowEnded(bool success)
    {
        Interlocked.Decrement(ref running);
        Interlocked.Increment(ref success ? ref succeeded : ref failed);
    }

    /// <summary>A flow ended but its completion could not be reported.</summary>
    internal void FlowLost() => Interlocked.Decrement(ref running);

    /// <summary>A request failed.</summary>
    internal void Error(string what, Exception error)
    {
        Interlocked.Increment(ref errors);
        lastError = $"{DateTime.Now:HH:mm:ss} {what}: {error.Message}";
    }

    /// <summary>The counters at this moment.</summary>
    public FleetSnapshot Snapshot() => new(
        DateTimeOffset.UtcNow,
        (int)Interlocked.Read(ref machines),
        (int)Interlocked.Read(ref online),
        Interlocked.Read(ref assigned),
        (int)Interlocked.Read(ref running),
        Interlocked.Read(ref succeeded),
        Interlocked.Read(ref failed),
        Interlocked.Read(ref rejected),
        Interlocked.Read(ref errors),
        lastError);
}
