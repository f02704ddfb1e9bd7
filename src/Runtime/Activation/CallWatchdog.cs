using System.Collections.Concurrent;

namespace MachineGrid.Runtime.Activation;

/// <summary>Fails calls whose caller has waited longer than the response timeout. Checks on a coarse periodic timer, not a timer per call.</summary>
internal sealed class CallWatchdog : IDisposable
{
    private readonly ConcurrentDictionary<Message, byte> pending = new(ReferenceEqualityComparer.Instance);
    private readonly TimeProvider time;
    private readonly TimeSpan timeout;
    private readonly long timeoutTicks;
    private readonly ITimer timer;

    public CallWatchdog(TimeProvider time, TimeSpan timeout)
    {
        this.time = time;
        this.timeout = timeout;
        timeoutTicks = (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        timer = time.CreateTimer(static state => ((CallWatchdog)state!).Sweep(), this, interval, interval);
    }

    public int PendingCount => pending.Count;

    public void Register(Message message)
    {
        message.QueuedAt = time.GetTimestamp();
        message.Deadline = message.QueuedAt + timeoutTicks;
        pending.TryAdd(message, 0);
    }

    public void Unregister(Message message) => pending.TryRemove(message, out _);

    public void Dispose() => timer.Dispose();

    private void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var message in pending.Keys)
        {
            if (message.Deadline <= now && pending.TryRemove(message, out _))
            {
                message.Expired = true;
                message.Fail(new TimeoutException($"Call to {message.Name} on grain {message.Target} timed out after {timeout}."));
            }
        }
    }
}
