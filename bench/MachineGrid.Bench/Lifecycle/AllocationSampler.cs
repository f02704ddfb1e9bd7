using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Tallies the runtime's allocation samples (one event about every 100 KB allocated, naming the type that crossed
/// the mark) by type, so the types behind the bytes allocated per lifecycle can be named.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEventId = 10;
    private readonly ConcurrentDictionary<string, long> bytesByType = new(StringComparer.Ordinal);
    private volatile bool recording;

    /// <summary>Starts counting samples.</summary>
    public void Start() => recording = true;

    /// <summary>Stops counting and returns the <paramref name="top"/> types by bytes, per lifecycle.</summary>
    public string Stop(int lifecycles, int top = 15)
    {
        recording = false;
        var total = Math.Max(bytesByType.Values.Sum(), 1);
        var shown = bytesByType.OrderByDescending(t => t.Value).Take(top)
            .Concat(bytesByType.Where(t => t.Key.StartsWith('[')).OrderByDescending(t => t.Value)).Distinct();
        return string.Join(", ", shown
            .Select(t => $"{t.Key} {t.Value / 1024.0 / Math.Max(lifecycles, 1):F1} KiB ({t.Value * 100.0 / total:F0}%)"));
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!recording || eventData.EventId != AllocationTickEventId || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }
        var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
        if (names.IndexOf("AllocationKind") is var k and >= 0 && Convert.ToInt32(payload[k], System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            type = "[large object heap] " + type;
        }
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
