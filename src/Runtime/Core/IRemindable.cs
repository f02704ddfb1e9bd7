namespace MachineGrid.Runtime;

/// <summary>A grain that receives durable reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Delivered as a turn when a reminder is due. A tick may be delivered more than once, so handle it idempotently.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>Describes one reminder tick.</summary>
/// <param name="FirstTickTime">When the reminder was first due.</param>
/// <param name="Period">Time between ticks; zero for a one-shot reminder.</param>
/// <param name="CurrentTickTime">When this tick was due.</param>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

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
