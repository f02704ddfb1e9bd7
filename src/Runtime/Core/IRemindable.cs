namespace MachineGrid.Runtime;

/// <summary>A grain that receives durable reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Delivered as a turn when a reminder is due. A tick may be delivered more than once, so handle it idempotently.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}
