using System.Collections.Concurrent;
using Orleans;

namespace MachineGrid.Persistence.Tests.Reminders;

public interface IReminderTestGrain : IGrainWithStringKey
{
    Task Register(TimeSpan dueTime, TimeSpan period);

    Task Unregister();
}

/// <summary>Records each reminder tick on the <see cref="ReminderTicks"/> of the silo it runs in.</summary>
public sealed class ReminderTestGrain(ReminderTicks ticks) : Grain, IReminderTestGrain, IRemindable
{
    public const string ReminderName = "tick";

    public Task Register(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task Unregister()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks.Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>The ticks the grains of one test cluster received, by grain key and reminder name.</summary>
public sealed class ReminderTicks
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

    public void Record(string grainKey, string reminderName) => counts.AddOrUpdate($"{grainKey}|{reminderName}", 1, (_, count) => count + 1);

    public int Count(string grainKey, string reminderName) => counts.GetValueOrDefault($"{grainKey}|{reminderName}");
}
