namespace MachineGrid.Gateway;

/// <summary>One silo of the cluster, as Orleans' management grain reports it.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Addresses">Its silo address.</param>
/// <param name="Status">Its membership status (Active, ShuttingDown, ...).</param>
/// <param name="Storage">The storage the cluster writes to.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="UptimeSeconds">Seconds since then.</param>
/// <param name="Activations">Live activations.</param>
/// <param name="CallsPerSecond">Messages it received per second over the last second.</param>
/// <param name="EventStreams">Dashboard event streams open on this gateway.</param>
public sealed record SiloStats(
    string Name,
    IReadOnlyList<string> Addresses,
    string Status,
    string Storage,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    long Activations,
    double CallsPerSecond,
    int EventStreams);
