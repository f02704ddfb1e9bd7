using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MachineGrid.Runtime.Diagnostics;
using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Activations_calls_latency_and_storage_commits_are_published_by_grain_type()
    {
        var seen = new ConcurrentDictionary<(string Instrument, string? GrainType), double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? type = null;
            foreach (var tag in tags)
            {
                type = tag.Key == "grain.type" ? tag.Value as string : type;
            }
            seen.AddOrUpdate((instrument.Name, type), value, (_, sum) => sum + value);
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        await using var silo = await Silos.Sqlite(Silos.TempDatabase());
        var key = Probe.NewKey("metrics");

        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        // The second call arrives while the first awaits its durable write, so it waits in the activation's queue.
        await Task.WhenAll(grain.Add(1), grain.Add(1));

        Assert.True(seen.GetValueOrDefault(("machinegrid.activations", "counter")) >= 1, "activation counted");
        Assert.True(seen.GetValueOrDefault(("machinegrid.calls", "counter")) >= 2, "calls counted");
        Assert.True(seen.ContainsKey(("machinegrid.call.latency", null)), "latency of the call that waited in the queue recorded");
        Assert.True(seen.GetValueOrDefault(("machinegrid.storage.batch.size", null)) >= 2, "storage commits recorded");
        Assert.True(seen.ContainsKey(("machinegrid.storage.commit.latency", null)), "commit latency recorded");
    }
}
