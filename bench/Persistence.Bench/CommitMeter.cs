using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MachineGrid.Persistence.Bench;

/// <summary>
/// Listens to the storage's meter (<c>MachineGrid.Persistence</c>): writes per commit and commit duration, counting
/// only commits that returned inside a window. The duration is the committer's: with group commit off it includes
/// the wait for the SQLite writer or for a pooled PostgreSQL connection.
/// </summary>
internal sealed class CommitMeter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly List<int> batchSizes = [];
    private readonly List<double> durations = [];
    private long from = long.MaxValue;
    private long until = long.MaxValue;

    public CommitMeter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MachineGrid.Persistence")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == "machinegrid.storage.commit.writes" && InWindow())
            {
                lock (gate)
                {
                    batchSizes.Add(value);
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "machinegrid.storage.commit.duration" && InWindow())
            {
                lock (gate)
                {
                    durations.Add(value);
                }
            }
        });
        listener.Start();
    }

    /// <summary>Counts commits returning from <paramref name="fromTimestamp"/> to <paramref name="untilTimestamp"/> (Stopwatch ticks), after clearing.</summary>
    public void Window(long fromTimestamp, long untilTimestamp)
    {
        lock (gate)
        {
            batchSizes.Clear();
            durations.Clear();
            from = fromTimestamp;
            until = untilTimestamp;
        }
    }

    public CommitSummary Summarize()
    {
        lock (gate)
        {
            var sortedSizes = batchSizes.Select(size => (double)size).Order().ToArray();
            var sortedDurations = durations.Order().ToArray();
            return new CommitSummary(
                batchSizes.Count,
                batchSizes.Count == 0 ? 0 : batchSizes.Average(),
                Stats.Percentile(sortedSizes, 0.5),
                Stats.Percentile(sortedDurations, 0.5),
                Stats.Percentile(sortedDurations, 0.99));
        }
    }

    public void Dispose() => listener.Dispose();

    private bool InWindow()
    {
        var now = Stopwatch.GetTimestamp();
        return now >= Volatile.Read(ref from) && now < Volatile.Read(ref until);
    }
}

internal sealed record CommitSummary(int Commits, double MeanWrites, double MedianWrites, double DurationP50, double DurationP99);
