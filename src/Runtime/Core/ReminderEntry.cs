namespace MachineGrid.Runtime;

/// <summary>A registered reminder.</summary>
/// <param name="GrainId">The grain it belongs to.</param>
/// <param name="Name">Its name, unique within the grain.</param>
/// <param name="StartAt">First due time.</param>
/// <param name="Period">Time between ticks; <see cref="TimeSpan.Zero"/> for a one-shot reminder.</param>
/// <param name="ETag">Storage version.</param>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset StartAt, TimeSpan Period, string ETag)
{
    /// <summary>Whether the reminder fires once and is then removed.</summary>
    public bool IsOneShot => Period == TimeSpan.Zero;
}
