namespace MachineGrid.Runtime.Tests.Grains;

public interface ITurnProbe : IGrainWithStringKey
{
    /// <summary>Runs a synchronous section, awaits <paramref name="delay"/> real milliseconds, runs another section.</summary>
    Task Work(int delay);

    Task<int> MaxInFlight();

    Task<int> MaxInParallel();
}

/// <summary>Counts calls in flight (between entry and exit) and code running at the same instant.</summary>
public abstract class TurnProbe : Grain
{
    private int inFlight;
    private int maxInFlight;
    private int inParallel;
    private int maxInParallel;

    public async Task Work(int delay)
    {
        maxInFlight = Math.Max(maxInFlight, Interlocked.Increment(ref inFlight));
        Section();
        await Task.Delay(delay);
        Section();
        Interlocked.Decrement(ref inFlight);
    }

    public Task<int> MaxInFlight() => Task.FromResult(maxInFlight);

    public Task<int> MaxInParallel() => Task.FromResult(maxInParallel);

    private void Section()
    {
        var now = Interlocked.Increment(ref inParallel);
        maxInParallel = Math.Max(maxInParallel, now);
        Thread.SpinWait(20_000);
        Interlocked.Decrement(ref inParallel);
    }
}

public interface ITurnProbeGrain : ITurnProbe;

public sealed class NonReentrantProbeGrain : TurnProbe, ITurnProbeGrain;

public interface IReentrantProbeGrain : ITurnProbe;

[Reentrant]
public sealed class ReentrantProbeGrain : TurnProbe, IReentrantProbeGrain;
