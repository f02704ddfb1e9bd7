namespace MachineGrid.Grains;

/// <summary>
/// Keeps one durable reminder at (or before) a group's earliest deadline. Changes go one at a time, and the reminder
/// is moved only earlier: one that fires early finds nothing due and is set again for the next deadline.
/// </summary>
internal sealed class DeadlineAlarm
{
    private readonly Func<DateTimeOffset?> nextDeadline;
    private readonly Func<DateTimeOffset, Task> register;
    private readonly Func<Task> unregister;
    private readonly StateFlusher keeper;
    private DateTimeOffset? due;

    public DeadlineAlarm(Func<DateTimeOffset?> nextDeadline, Func<DateTimeOffset, Task> register, Func<Task> unregister)
    {
        this.nextDeadline = nextDeadline;
        this.register = register;
        this.unregister = unregister;
        keeper = new StateFlusher(ApplyAsync);
    }

    /// <summary>Starts from the reminder found stored (null when there is none) and brings it in line.</summary>
    public Task StartAsync(DateTimeOffset? storedDue)
    {
        due = storedDue;
        return keeper.FlushAsync();
    }

    /// <summary>Notes that the reminder fired, so the next update sets it again.</summary>
    public void Fired() => due = null;

    public Task UpdateAsync() => keeper.FlushAsync();

    private async Task ApplyAsync()
    {
        if (nextDeadline() is not { } next)
        {
            if (due is not null)
            {
                due = null;
                await unregister();
            }
            return;
        }
        if (due is null || next < due)
        {
            due = next;
            await register(next);
        }
    }
}
