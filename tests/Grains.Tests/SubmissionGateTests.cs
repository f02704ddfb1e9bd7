using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace MachineGrid.Grains.Tests;

public sealed class SubmissionGateTests
{
    [Fact]
    public async Task Submissions_past_the_bound_wait_in_arrival_order_until_one_under_way_ends()
    {
        var gate = new SubmissionGate(Options.Create(new GridOptions { MaxConcurrentSubmissions = 2 }));
        var first = await gate.EnterAsync();
        using var second = await gate.EnterAsync();
        var third = gate.EnterAsync().AsTask();
        var fourth = gate.EnterAsync().AsTask();
        Assert.Equal(0, gate.FreeSlots);
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);

        first.Dispose();

        using var entered = await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(fourth.IsCompleted);
        entered.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        second.Dispose();
        Assert.Equal(2, gate.FreeSlots);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Options_without_room_for_one_submission_are_refused_with_the_setting_named(int bound)
    {
        var services = new ServiceCollection();
        services.AddGridOptions(o => o.MaxConcurrentSubmissions = bound);
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GridOptions>>().Value);
        Assert.Contains("MachineGrid:Limits:MaxConcurrentSubmissions", refused.Message);
    }

    [Fact]
    public async Task With_room_for_one_submission_at_a_time_many_submitted_at_once_are_all_queued()
    {
        await using var silo = await GridSilo.StartAsync(configure: o => o.MaxConcurrentSubmissions = 1);
        var grid = new Grid(silo, Actors.Owner());
        var group = await grid.CreateGroupAsync();
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));

        var runs = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grid.SubmitAsync(connection)));

        Assert.Equal(20, runs.Distinct().Count());
        Assert.Equal(20, (await grid.Group(group).Get(grid.Owner)).QueuedCount);
        foreach (var run in runs)
        {
            Assert.Equal(RunStatus.Queued, (await grid.RunGrain(run).Get(grid.Owner)).Status);
        }
    }
}
