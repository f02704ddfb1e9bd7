namespace MachineGrid.Dashboard.Tests;

/// <summary>
/// The real clock plus an offset a test can move forward: time keeps running (timers, delays and Orleans' loops behave
/// as on the real clock), and <see cref="Skip"/> makes a deadline pass at once instead of waiting for it.
/// </summary>
public sealed class SkewedClock : TimeProvider
{
    private long offsetTicks;

    /// <summary>Moves the clock forward.</summary>
    public void Skip(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Volatile.Read(ref offsetTicks));

    /// <inheritdoc />
    public override long TimestampFrequency => System.TimestampFrequency;

    /// <inheritdoc />
    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Volatile.Read(ref offsetTicks) * ((double)TimestampFrequency / TimeSpan.TicksPerSecond));
}
