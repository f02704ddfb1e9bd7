namespace MachineGrid.TestSupport;

/// <summary>
/// A clock that moves only when told to, for tests. Timers created from it fire, in due order and on the
/// calling thread, while <see cref="Advance"/> moves time past their due times.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = start;

    /// <summary>A clock starting at 2030-01-01 UTC.</summary>
    public ManualTimeProvider() : this(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>When each active timer is next due, soonest first.</summary>
    public IReadOnlyList<DateTimeOffset> DueTimes
    {
        get
        {
            lock (gate)
            {
                return [.. timers.Select(t => t.DueAt).Order()];
            }
        }
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, each at its due time.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (gate)
        {
            target = now + delta;
        }
        while (true)
        {
            ManualTimer? due;
            lock (gate)
            {
                due = timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    now = target;
                    return;
                }
                if (due.DueAt > now)
                {
                    now = due.DueAt;
                }
                due.Reschedule(now);
            }
            due.Fire();
        }
    }

    private void Track(ManualTimer timer, bool active)
    {
        lock (gate)
        {
            timers.Remove(timer);
            if (active)
            {
                timers.Add(timer);
            }
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            this.period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                clock.Track(this, active: false);
                return true;
            }
            if (dueTime == TimeSpan.Zero)
            {
                // Like a real timer: a timer due now fires at once, on the thread pool.
                clock.Track(this, active: false);
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.FireNow(), this, preferLocal: false);
                return true;
            }
            DueAt = clock.GetUtcNow() + dueTime;
            clock.Track(this, active: true);
            return true;
        }

        /// <summary>Called under the clock's lock when the timer fires at <paramref name="at"/>.</summary>
        public void Reschedule(DateTimeOffset at)
        {
            if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
            {
                clock.timers.Remove(this);
            }
            else
            {
                DueAt = at + period;
            }
        }

        public void Fire() => callback(state);

        private void FireNow()
        {
            if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
            {
                DueAt = clock.GetUtcNow() + period;
                clock.Track(this, active: true);
            }
            Fire();
        }

        public void Dispose() => clock.Track(this, active: false);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
