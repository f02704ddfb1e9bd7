namespace MachineGrid.Runtime.Activation;

/// <summary>A request queued for an activation: a grain call, a timer tick or a reminder tick.</summary>
internal abstract class Message(CallChain? caller)
{
    /// <summary>The request that made this call; null for calls from outside any grain.</summary>
    public CallChain? Caller { get; } = caller;

    /// <summary>The grain the message is for.</summary>
    public GrainId Target { get; set; }

    /// <summary>The activation running it, set when it starts.</summary>
    public Activation? Activation { get; set; }

    /// <summary>The request node it runs as, set when it starts.</summary>
    public CallChain? Request { get; set; }

    /// <summary>Set when the caller has been told it timed out; a message still queued then is dropped.</summary>
    public bool Expired { get; set; }

    /// <summary>The task the caller awaits (completed at once for one-way calls and ticks).</summary>
    public abstract Task CallerTask { get; }

    /// <summary>When the caller gives up (<see cref="TimeProvider.GetTimestamp"/> units); <see cref="long.MaxValue"/> for none.</summary>
    public long Deadline { get; set; } = long.MaxValue;

    /// <summary>When the message was queued, for the latency metric.</summary>
    public long QueuedAt { get; set; }

    /// <summary>Method name for logs and errors.</summary>
    public abstract string Name { get; }

    /// <summary>Whether it may run while other requests are in flight on a non-reentrant grain.</summary>
    public abstract bool AlwaysInterleave { get; }

    /// <summary>Whether it may run alongside other read-only requests.</summary>
    public abstract bool ReadOnly { get; }

    /// <summary>Whether it keeps the activation from idle collection.</summary>
    public virtual bool KeepsAlive => true;

    /// <summary>Whether it is handed to the next activation when its activation deactivates first (timer ticks are not).</summary>
    public virtual bool FollowsGrain => true;

    /// <summary>Runs the request's code on the grain.</summary>
    public abstract Task Invoke(object grain);

    /// <summary>Passes the outcome of the grain's task to the caller.</summary>
    public abstract void Complete(Task grainTask);

    /// <summary>Fails the caller's task, unless it already has an outcome. Returns whether this call set it.</summary>
    public abstract bool Fail(Exception exception);
}
