namespace MachineGrid.Gateway;

/// <summary><c>GET /api/v1/overview</c>: totals over the groups and machines the caller may see.</summary>
/// <param name="Groups">Visible groups.</param>
/// <param name="Machines">Visible machines by status.</param>
/// <param name="Runs">Runs queued and running in the visible groups.</param>
/// <param name="Truncated">The caller sees more groups or machines than the overview counts.</param>
public sealed record GridOverview(int Groups, MachineCounts Machines, RunCounts Runs, bool Truncated);

/// <summary>Machines by status.</summary>
/// <param name="Online">Online and not in maintenance.</param>
/// <param name="Offline">Not heartbeating.</param>
/// <param name="Maintenance">In maintenance (machine-level).</param>
public sealed record MachineCounts(int Online, int Offline, int Maintenance);

/// <summary>Runs by state.</summary>
/// <param name="Queued">Waiting in a queue.</param>
/// <param name="Running">Assigned or running.</param>
public sealed record RunCounts(int Queued, int Running);
