using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MachineGrid.Runtime.Diagnostics;

/// <summary>
/// A read-only tally of this silo's runtime meters (<see cref="RuntimeMetrics"/>): live activations and calls per grain
/// type, call latency and storage commits. It listens from construction until disposal; readers take cumulative
/// <see cref="Snapshot"/>s and compute rates from the differences. Each measurement costs a dictionary lookup and an
/// interlocked add.
/// </summary>
public sealed class RuntimeStatistics : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, GrainTypeTally> types = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private long calls;
    private long callLatencyCount;
    private long callLatencyMicros;
    private long commits;
    private long commitMicros;
    private long maxCommitMicros;

    /// <summary>Starts listening to the runtime's meter.</summary>
    public RuntimeStatistics(TimeProvider time)
    {
        this.time = time;
        StartedAt = time.GetUtcNow();
        // Instruments are told apart by name: this may run while RuntimeMetrics' static fields are still being assigned.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && KindOf(instrument.Name) is { } kind)
            {
                l.EnableMeasurementEvents(instrument, kind);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnLong);
        listener.SetMeasurementEventCallback<double>(OnDouble);
        listener.Start();
    }

    /// <summary>When this tally started listening.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The totals so far. The largest commit latency is reset by each snapshot, so it covers the time since the previous one.</summary>
    public RuntimeCounters Snapshot()
    {
        var byType = types.Select(t => new GrainTypeCounters(t.Key, Math.Max(0, Volatile.Read(ref t.Value.Activations)), Volatile.Read(ref t.Value.Calls)))
            .OrderBy(t => t.GrainType, StringComparer.Ordinal)
            .ToList();
        return new RuntimeCounters(
            time.GetUtcNow(),
            byType,
            Volatile.Read(ref calls),
            Volatile.Read(ref callLatencyCount),
            Volatile.Read(ref callLatencyMicros) / 1000.0,
            Volatile.Read(ref commits),
            Volatile.Read(ref commitMicros) / 1000.0,
            Interlocked.Exchange(ref maxCommitMicros, 0) / 1000.0);
    }

    /// <inheritdoc />
    public void Dispose() => listener.Dispose();

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var tally = Tally(tags);
        if (state is Measured.Calls)
        {
            Interlocked.Add(ref calls, value);
            if (tally is not null)
            {
                Interlocked.Add(ref tally.Calls, value);
            }
        }
        else if (tally is not null)
        {
            Interlocked.Add(ref tally.Activations, value);
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var micros = (long)(value * 1000);
        if (state is Measured.CallLatency)
        {
            Interlocked.Increment(ref callLatencyCount);
            Interlocked.Add(ref callLatencyMicros, micros);
            return;
        }
        Interlocked.Increment(ref commits);
        Interlocked.Add(ref commitMicros, micros);
        long seen;
        while (micros > (seen = Volatile.Read(ref maxCommitMicros)) && Interlocked.CompareExchange(ref maxCommitMicros, micros, seen) != seen)
        {
        }
    }

    private static object? KindOf(string instrument) => instrument switch
    {
        "machinegrid.activations" => Measured.Activations,
        "machinegrid.calls" => Measured.Calls,
        "machinegrid.call.latency" => Measured.CallLatency,
        "machinegrid.storage.commit.latency" => Measured.StorageCommitLatency,
        _ => null,
    };

    private GrainTypeTally? Tally(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "grain.type" && tag.Value is string type)
            {
                return types.TryGetValue(type, out var tally) ? tally : types.GetOrAdd(type, static _ => new GrainTypeTally());
            }
        }
        return null;
    }

    private enum Measured
    {
        Activations,
        Calls,
        CallLatency,
        StorageCommitLatency,
    }

    private sealed class GrainTypeTally
    {
        public long Activations;
        public long Calls;
    }
}
