using System.Diagnostics.Metrics;

namespace MachineGrid.Runtime.Diagnostics;

/// <summary>The runtime's meters, published under the meter name <see cref="MeterName"/>.</summary>
public static class RuntimeMetrics
{
    /// <summary>The name of the runtime's <see cref="Meter"/>.</summary>
    public const string MeterName = "MachineGrid.Runtime";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Activations created (+1) and deactivated (-1), tagged with <c>grain.type</c>.</summary>
    public static readonly UpDownCounter<long> Activations = Meter.CreateUpDownCounter<long>("machinegrid.activations", description: "Live activations by grain type");

    /// <summary>Grain calls completed, tagged with <c>grain.type</c>.</summary>
    public static readonly Counter<long> Calls = Meter.CreateCounter<long>("machinegrid.calls", description: "Grain calls");

    /// <summary>Latency of queued (not inline) grain calls in milliseconds.</summary>
    public static readonly Histogram<double> CallLatency = Meter.CreateHistogram<double>("machinegrid.call.latency", "ms", "Grain call latency");

    /// <summary>Messages waiting in activation mailboxes.</summary>
    public static readonly UpDownCounter<long> MailboxDepth = Meter.CreateUpDownCounter<long>("machinegrid.mailbox.depth", description: "Messages waiting in mailboxes");

    /// <summary>Number of writes carried by one storage commit.</summary>
    public static readonly Histogram<int> StorageBatchSize = Meter.CreateHistogram<int>("machinegrid.storage.batch.size", description: "Writes per storage commit");

    /// <summary>Duration of one storage commit in milliseconds.</summary>
    public static readonly Histogram<double> StorageCommitLatency = Meter.CreateHistogram<double>("machinegrid.storage.commit.latency", "ms", "Storage commit latency");

    /// <summary>Garbage collections the silo ran because it had gone quiet.</summary>
    public static readonly Counter<long> QuietCollections = Meter.CreateCounter<long>("machinegrid.gc.quiet_collections", description: "Garbage collections run while the silo was quiet");
}
