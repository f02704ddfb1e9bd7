namespace MachineGrid.Grains;

/// <summary>
/// Wakes a group at its earliest deadline. A grain timer fires at the exact time (seconds matter: an assignment waits
/// 30 s for its acknowledgement). A durable reminder at Orleans' minimum period wakes the group after a restart or a
/// failover, when the timer is gone; its row is written once while deadlines exist, not once per deadline.
/// </summary>
internal sealed class DeadlineTimer(Grain grain, TimeProvider time, TimeSpan backstopPeriod, Func<Task> onDue)
{
    public const string ReminderName = "deadlines";

    private IGrainTimer? timer;
    private bool backstopRegistered;

    /// <summary>Whether the backstop reminder is stored, read on activation.</summary>
    public async Task<bool> LoadAsync()
    {
        backstopRegistered = await grain.GetReminder(ReminderName) is not null;
        return backstopRegistered;
    }

    public async Task ArmAsync(DateTimeOffset due)
    {
        var delay = due - time.GetUtcNow();
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        if (timer is null)
        {
            timer = grain.RegisterGrainTimer(onDue, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { Interleave = true });
        }
        else
        {
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
        if (!backstopRegistered)
        {
            await grain.RegisterOrUpdateReminder(ReminderName, backstopPeriod, backstopPeriod);
            backstopRegistered = true;
        }
    }

    public async Task DisarmAsync()
    {
        timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (await grain.GetReminder(ReminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
        backstopRegistered = false;
    }
}
