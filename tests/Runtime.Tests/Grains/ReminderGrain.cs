namespace MachineGrid.Runtime.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey, IRemindable
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    Task RegisterOneShot(string name, DateTimeOffset dueAt);

    Task<IReadOnlyList<ReminderEntry>> List();

    Task Unregister(string name);

    Task Deactivate();
}

public sealed class ReminderGrain : Grain, IReminderGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    public Task Register(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder(name, dueTime, period);

    public Task RegisterOneShot(string name, DateTimeOffset dueAt) => RegisterOrUpdateReminder(name, dueAt);

    public Task<IReadOnlyList<ReminderEntry>> List() => GetReminders();

    public async Task Unregister(string name)
    {
        var reminder = await GetReminder(name) ?? throw new InvalidOperationException($"no reminder {name}");
        await UnregisterReminder(reminder);
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Probe.Record(GetPrimaryKeyString(), $"reminder:{reminderName}");
        return Task.CompletedTask;
    }
}
