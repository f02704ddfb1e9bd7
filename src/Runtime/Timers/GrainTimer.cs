using MachineGrid.Runtime.Activation;
using MachineGrid.Runtime.Diagnostics;

namespace MachineGrid.Runtime.Timers;

/// <summary>
/// An in-memory grain timer. When its clock timer fires it queues a tick as a request of the activation; the
/// next tick is scheduled only after that tick's task completes, so ticks never overlap.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly Activation.Activation activation;
    private readonly Func<CancellationToken, Task> callback;
    private readonly CancellationTokenSource stopping = new();
    private readonly ITimer timer;
    private GrainTimerOptions options;

    public GrainTimer(Activation.Activation activation, Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        this.activation = activation;
        this.callback = callback;
        this.options = options;
        timer = activation.Runtime.Time.CreateTimer(static state => ((GrainTimer)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start() => timer.Change(options.DueTime, Timeout.InfiniteTimeSpan);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        options = options with { DueTime = dueTime, Period = period };
        if (!stopping.IsCancellationRequested)
        {
            timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        stopping.Cancel();
        timer.Dispose();
        activation.RemoveTimer(this);
    }

    private void Fire()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        var tick = new TimerTickMessage(this) { Target = activation.Id };
        if (!activation.TryAccept(tick))
        {
            Dispose();
        }
    }

    private Task RunTick() => callback(stopping.Token);

    private void OnTickCompleted(Task tick)
    {
        if (tick.IsFaulted)
        {
            RuntimeLog.TimerTickFailed(activation.Runtime.Logger, activation.Class.TypeName, activation.Id.Key, tick.Exception!.GetBaseException());
        }
        if (!stopping.IsCancellationRequested && options.Period != Timeout.InfiniteTimeSpan)
        {
            timer.Change(options.Period, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class TimerTickMessage(GrainTimer timer) : Message(null)
    {
        public override Task CallerTask => Task.CompletedTask;

        public override string Name => "timer tick";

        public override bool AlwaysInterleave => timer.options.Interleave;

        public override bool ReadOnly => false;

        public override bool KeepsAlive => timer.options.KeepAlive;

        public override bool FollowsGrain => false;

        public override Task Invoke(object grain) => timer.RunTick();

        public override void Complete(Task grainTask) => timer.OnTickCompleted(grainTask);

        public override bool Fail(Exception exception) => false;
    }
}
