using MachineGrid.Runtime.Activation;
using MachineGrid.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Reminders;

/// <summary>
/// Keeps every stored reminder scheduled in memory behind one clock timer set for the earliest due time,
/// and delivers due ticks to their grains as calls of <see cref="IRemindable.ReceiveReminder"/>, activating
/// the grain if needed. Reminders overdue when the silo starts fire at once.
/// </summary>
internal sealed class ReminderService(SiloRuntime runtime, IReminderTable table, TimeProvider time, ILogger logger) : IDisposable
{
    private static readonly System.Reflection.MethodInfo ReceiveReminder = typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminder))!;

    private readonly Lock gate = new();
    private readonly Dictionary<(GrainId Grain, string Name), Scheduled> scheduled = [];
    private readonly PriorityQueue<Scheduled, DateTimeOffset> due = new();
    private ITimer? timer;
    private bool stopped;

    /// <summary>
    /// Entries of <see cref="due"/> whose reminder was unregistered or replaced. They leave the queue lazily, when they come
    /// due; a run's timeout is unregistered hours before it would, so the queue is compacted once most of it is stale.
    /// </summary>
    private int stale;

    /// <summary>Loads every stored reminder and starts the clock. Returns how many were loaded.</summary>
    public async Task<int> StartAsync(CancellationToken cancellationToken)
    {
        var entries = await table.ReadAllAsync(cancellationToken);
        lock (gate)
        {
            timer = time.CreateTimer(static state => ((ReminderService)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            foreach (var entry in entries)
            {
                Schedule(entry);
            }
            Arm();
        }
        return entries.Count;
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopped = true;
            timer?.Dispose();
        }
    }

    public async Task<ReminderEntry> RegisterAsync(GrainId grain, string name, DateTimeOffset startAt, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
        var entry = await table.UpsertAsync(grain, name, startAt, period);
        lock (gate)
        {
            Schedule(entry);
            Arm();
        }
        return entry;
    }

    public async Task UnregisterAsync(GrainId grain, string name)
    {
        await table.RemoveAsync(grain, name, etag: null);
        lock (gate)
        {
            if (scheduled.Remove((grain, name), out var old))
            {
                MarkRemoved(old);
            }
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grain) => table.ReadGrainAsync(grain);

    /// <summary>Caller holds the lock.</summary>
    private void Schedule(ReminderEntry entry)
    {
        if (scheduled.Remove((entry.GrainId, entry.Name), out var old))
        {
            MarkRemoved(old);
        }
        var now = time.GetUtcNow();
        var reminder = new Scheduled(entry, entry.StartAt > now ? entry.StartAt : now);
        scheduled[(entry.GrainId, entry.Name)] = reminder;
        due.Enqueue(reminder, reminder.NextDue);
    }

    /// <summary>Marks a reminder gone and compacts the queue when most of it is. Caller holds the lock.</summary>
    private void MarkRemoved(Scheduled reminder)
    {
        reminder.Removed = true;
        // May count one being delivered (not queued); compaction recounts exactly.
        stale++;
        if (stale > 1024 && stale > due.Count / 2)
        {
            var live = due.UnorderedItems.Where(item => !item.Element.Removed).ToList();
            due.Clear();
            due.EnqueueRange(live);
            stale = 0;
        }
    }

    /// <summary>Sets the clock timer for the earliest reminder. Caller holds the lock.</summary>
    private void Arm()
    {
        while (due.TryPeek(out var first, out _) && first.Removed)
        {
            due.Dequeue();
            stale = Math.Max(0, stale - 1);
        }
        if (stopped || timer is null || !due.TryPeek(out _, out var at))
        {
            return;
        }
        var delay = at - time.GetUtcNow();
        timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        var ready = new List<Scheduled>();
        lock (gate)
        {
            var now = time.GetUtcNow();
            while (!stopped && due.TryPeek(out var first, out var at) && at <= now)
            {
                due.Dequeue();
                if (!first.Removed)
                {
                    ready.Add(first);
                }
                else
                {
                    stale = Math.Max(0, stale - 1);
                }
            }
            Arm();
        }
        foreach (var reminder in ready)
        {
            _ = DeliverAsync(reminder);
        }
    }

    private async Task DeliverAsync(Scheduled reminder)
    {
        var entry = reminder.Entry;
        var tick = new TickStatus(entry.StartAt, entry.Period, reminder.NextDue);
        try
        {
            var grainClass = runtime.Registry.ForTypeName(entry.GrainId.Type);
            var message = grainClass.Methods[ReceiveReminder].CreateMessage([entry.Name, tick], caller: null);
            message.Target = entry.GrainId;
            await runtime.Deliver(grainClass, message);
            if (entry.IsOneShot)
            {
                await table.RemoveAsync(entry.GrainId, entry.Name, entry.ETag);
            }
            Reschedule(reminder, delivered: true);
        }
        catch (Exception ex)
        {
            RuntimeLog.ReminderFailed(logger, entry.GrainId.Type, entry.GrainId.Key, entry.Name, ex);
            Reschedule(reminder, delivered: false);
        }
    }

    private void Reschedule(Scheduled reminder, bool delivered)
    {
        lock (gate)
        {
            if (reminder.Removed || stopped)
            {
                return;
            }
            var now = time.GetUtcNow();
            var entry = reminder.Entry;
            if (delivered && entry.IsOneShot)
            {
                scheduled.Remove((entry.GrainId, entry.Name));
                reminder.Removed = true;
                return;
            }
            reminder.NextDue = delivered ? NextTick(entry, now) : now + runtime.Options.ReminderRetryDelay;
            due.Enqueue(reminder, reminder.NextDue);
            Arm();
        }
    }

    private static DateTimeOffset NextTick(ReminderEntry entry, DateTimeOffset now)
    {
        if (entry.StartAt > now)
        {
            return entry.StartAt;
        }
        var periods = (now - entry.StartAt).Ticks / entry.Period.Ticks + 1;
        return entry.StartAt + TimeSpan.FromTicks(periods * entry.Period.Ticks);
    }

    private sealed class Scheduled(ReminderEntry entry, DateTimeOffset nextDue)
    {
        public ReminderEntry Entry { get; } = entry;

        public DateTimeOffset NextDue { get; set; } = nextDue;

        public bool Removed { get; set; }
    }
}
