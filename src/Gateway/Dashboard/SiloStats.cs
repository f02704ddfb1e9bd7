namespace MachineGrid.Gateway;

/// <summary>One silo: this process until silos form a cluster.</summary>
/// <param name="Name">Host name and process id.</param>
/// <param name="Addresses">Where its gateway listens.</param>
/// <param name="Storage">The storage it writes to.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="UptimeSeconds">Seconds since then.</param>
/// <param name="Activations">Live activations.</param>
/// <param name="CallsPerSecond">Grain calls per second over the last second.</param>
/// <param name="EventStreams">Open dashboard event streams.</param>
public sealed record SiloStats(
    string Name,
    IReadOnlyList<string> Addresses,
    string Storage,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    long Activations,
    double CallsPerSecond,
    int EventStreams);
