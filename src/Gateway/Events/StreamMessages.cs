namespace MachineGrid.Gateway;

/// <summary>The first event of a stream: who it is for and how often it sends.</summary>
/// <param name="Principal">The principal's name.</param>
/// <param name="Admin">Whether <c>stats</c> events follow.</param>
/// <param name="TickMilliseconds">The most often <c>changes</c> events are sent.</param>
public sealed record StreamReady(string Principal, bool Admin, int TickMilliseconds);

/// <summary>The last event of a stream that reached its maximum duration.</summary>
/// <param name="Reason">Why it ends.</param>
public sealed record StreamEnd(string Reason);

/// <summary>A keep-alive event.</summary>
/// <param name="At">Server time.</param>
public sealed record StreamPing(DateTimeOffset At);
