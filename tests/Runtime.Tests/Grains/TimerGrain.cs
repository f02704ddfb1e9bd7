namespace MachineGrid.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    /// <summary>Starts a timer whose ticks wait for <see cref="ReleaseTick"/>.</summary>
    Task Start(TimeSpan dueTime, TimeSpan period);

    [AlwaysInterleave]
    Task ReleaseTick();

    [AlwaysInterleave]
    Task<int> TicksStarted();

    [AlwaysInterleave]
    Task<int> MaxTicksInFlight();

    Task Deactivate();

    /// <summary>A non-interleaving call that waits until <see cref="OpenHold"/>.</summary>
    Task Hold();

    [AlwaysInterleave]
    Task OpenHold();
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    private readonly SemaphoreSlim releases = new(0);
    private readonly TaskCompletionSource hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int started;
    private int inFlight;
    private int maxInFlight;

    public Task Start(TimeSpan dueTime, TimeSpan period)
    {
        RegisterGrainTimer(Tick, dueTime, period);
        return Task.CompletedTask;
    }

    public Task ReleaseTick()
    {
        releases.Release();
        return Task.CompletedTask;
    }

    public Task<int> TicksStarted() => Task.FromResult(Volatile.Read(ref started));

    public Task<int> MaxTicksInFlight() => Task.FromResult(maxInFlight);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task Hold() => hold.Task;

    public Task OpenHold()
    {
        hold.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref started);
        maxInFlight = Math.Max(maxInFlight, Interlocked.Increment(ref inFlight));
        Probe.Record(GetPrimaryKeyString(), "tick");
        await releases.WaitAsync(cancellationToken);
        Interlocked.Decrement(ref inFlight);
    }
}
