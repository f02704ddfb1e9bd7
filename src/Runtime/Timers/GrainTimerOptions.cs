namespace MachineGrid.Runtime;

/// <summary>How a grain timer ticks.</summary>
/// <param name="DueTime">Delay before the first tick.</param>
/// <param name="Period">Delay from the end of one tick to the next; <see cref="Timeout.InfiniteTimeSpan"/> for a single tick.</param>
/// <param name="Interleave">Whether ticks may run while calls are in flight (never in parallel with other code of the grain).</param>
/// <param name="KeepAlive">Whether ticks count as activity for idle collection.</param>
public sealed record GrainTimerOptions(TimeSpan DueTime, TimeSpan Period, bool Interleave = false, bool KeepAlive = false);
