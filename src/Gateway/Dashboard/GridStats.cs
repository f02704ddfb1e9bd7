namespace MachineGrid.Gateway;

/// <summary>The runtime's statistics: <c>GET /api/v1/stats</c>, and each second's <c>stats</c> event (without history).</summary>
/// <param name="Silos">Each silo (one until the cluster lands).</param>
/// <param name="GrainTypes">Activations and calls per grain type.</param>
/// <param name="Latest">The last completed second; null right after start.</param>
/// <param name="History">Up to the last <see cref="StatsSampler.HistoryLength"/> seconds, oldest first (empty in events).</param>
public sealed record GridStats(IReadOnlyList<SiloStats> Silos, IReadOnlyList<GrainTypeStats> GrainTypes, StatsSample? Latest, IReadOnlyList<StatsSample> History);
