using Xunit;

namespace MachineGrid.Grains.Tests.Groups;

public sealed class DeadlineAlarmTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<string> calls = [];
    private readonly DeadlineAlarm alarm;
    private DateTimeOffset? next;

    public DeadlineAlarmTests() =>
        alarm = new DeadlineAlarm(
            () => next,
            due =>
            {
                calls.Add($"register {due - Start}");
                return Task.CompletedTask;
            },
            () =>
            {
                calls.Add("unregister");
                return Task.CompletedTask;
            });

    [Fact]
    public async Task It_moves_the_reminder_only_earlier_and_sets_it_again_once_it_fired()
    {
        await alarm.StartAsync(null);
        next = Start.AddMinutes(10);
        await alarm.UpdateAsync();
        next = Start.AddMinutes(20);
        await alarm.UpdateAsync();
        next = Start.AddMinutes(5);
        await alarm.UpdateAsync();
        alarm.Fired();
        next = Start.AddMinutes(20);
        await alarm.UpdateAsync();

        Assert.Equal(["register 00:10:00", "register 00:05:00", "register 00:20:00"], calls);
    }

    [Fact]
    public async Task It_removes_a_stored_reminder_when_nothing_is_due_and_only_once()
    {
        await alarm.StartAsync(Start);
        await alarm.UpdateAsync();
        await alarm.StartAsync(null);

        Assert.Equal(["unregister"], calls);
    }
}
