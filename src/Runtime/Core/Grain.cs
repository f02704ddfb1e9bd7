using MachineGrid.Runtime.Activation;
using MachineGrid.Runtime.Timers;

namespace MachineGrid.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime constructs grains (with their persistent states and services
/// injected through the constructor), runs one turn at a time on them, and deactivates them when idle.
/// </summary>
public abstract class Grain
{
    private readonly Activation.Activation activation;

    /// <summary>Binds the grain to the activation being created. Grains are created only by the runtime.</summary>
    protected Grain()
    {
        activation = Activation.Activation.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} is a grain: get it with IGrainFactory.GetGrain, do not construct it.");
    }

    /// <summary>This grain's id.</summary>
    public GrainId GrainId => activation.Id;

    /// <summary>Factory for references to other grains (and to this one).</summary>
    protected IGrainFactory GrainFactory => activation.Runtime;

    /// <summary>The silo's clock.</summary>
    protected TimeProvider TimeProvider => activation.Runtime.Time;

    /// <summary>The key of this grain.</summary>
    public string GetPrimaryKeyString() => activation.Id.Key;

    /// <summary>Called after state is loaded and before the first call is served.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation goes away. Changed state is written after this returns.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current call ends; calls waiting meanwhile go to the next activation.</summary>
    protected void DeactivateOnIdle() =>
        activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called"));

    /// <summary>Keeps the idle collector away for at least <paramref name="timeSpan"/>.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => activation.DelayDeactivation(timeSpan);

    /// <summary>
    /// Starts a timer whose ticks run as turns of this grain: a tick never overlaps another turn (unless
    /// <see cref="GrainTimerOptions.Interleave"/>) nor the previous tick, and the period counts from the end of the previous tick.
    /// The timer stops when the activation deactivates.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        var timer = new GrainTimer(activation, callback, options);
        activation.AddTimer(timer);
        timer.Start();
        return timer;
    }

    /// <summary>Starts a timer; see <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, GrainTimerOptions)"/>.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerOptions(dueTime, period));

    /// <summary>Registers or replaces a durable periodic reminder, first due after <paramref name="dueTime"/>.</summary>
    protected Task<ReminderEntry> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        return activation.Runtime.Reminders.RegisterAsync(RemindableId(), reminderName, TimeProvider.GetUtcNow() + dueTime, period);
    }

    /// <summary>Registers or replaces a durable one-shot reminder that fires once at <paramref name="dueAt"/> and is then removed.</summary>
    protected Task<ReminderEntry> RegisterOrUpdateReminder(string reminderName, DateTimeOffset dueAt) =>
        activation.Runtime.Reminders.RegisterAsync(RemindableId(), reminderName, dueAt, TimeSpan.Zero);

    /// <summary>The reminder with this name, or null.</summary>
    protected async Task<ReminderEntry?> GetReminder(string reminderName) =>
        (await GetReminders()).FirstOrDefault(r => r.Name == reminderName);

    /// <summary>All reminders of this grain.</summary>
    protected Task<IReadOnlyList<ReminderEntry>> GetReminders() => activation.Runtime.Reminders.ReadAsync(RemindableId());

    /// <summary>Removes the reminder.</summary>
    protected Task UnregisterReminder(ReminderEntry reminder) => activation.Runtime.Reminders.UnregisterAsync(RemindableId(), reminder.Name);

    private GrainId RemindableId() =>
        this is IRemindable
            ? activation.Id
            : throw new InvalidOperationException($"Grain {activation.Id} must implement IRemindable to use reminders.");
}
