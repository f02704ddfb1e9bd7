using MachineGrid.Client;
using MachineGrid.TestSupport;
using Microsoft.Playwright;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>Changes in the grid reach the open page over the event stream, without a reload.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveUpdateTests(DashboardSite site)
{
    /// <summary>The bound: the open page shows a change within 2 s of it.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions WithinTwoSeconds = new() { Timeout = 2_000 };

    [Fact]
    public async Task Queued_and_running_counts_change_on_the_open_page_without_a_reload()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 2);
        await using var browser = await site.SignInAsync(site.AdminKey, "#/groups");
        var row = browser.Page.Locator($"tr[data-group-id='{fleet.Group.Id}']");
        await Assertions.Expect(row.Locator("[data-col=queued]")).ToHaveTextAsync("0");
        await browser.Page.EvaluateAsync("() => { window.notReloaded = true; }");

        // Runs wait while no machine is online.
        await fleet.SubmitAsync(site.Admin, 3);
        await Assertions.Expect(row.Locator("[data-col=queued]")).ToHaveTextAsync("3", WithinTwoSeconds);
        await Assertions.Expect(row.Locator("[data-col=running]")).ToHaveTextAsync("0", WithinTwoSeconds);

        // The machines come online and take two of them; their flows keep running until the test stops them.
        using var stop = new CancellationTokenSource();
        var machines = fleet.RunAsync(TimeSpan.FromMinutes(5), stop.Token);
        try
        {
            await Eventually.True(async () => (await site.Admin.GetGroupAsync(fleet.Group.Id)).RunningCount == 2, "both machines run a flow");
            await Assertions.Expect(row.Locator("[data-col=running]")).ToHaveTextAsync("2", WithinTwoSeconds);
            await Assertions.Expect(row.Locator("[data-col=queued]")).ToHaveTextAsync("1", WithinTwoSeconds);

            // The group page shows the same, live too: the machines' sessions and the one run still queued.
            await browser.ShowAsync($"#/groups/{fleet.Group.Id}");
            await Assertions.Expect(browser.Page.Locator("[data-testid=group-running] .value")).ToHaveTextAsync("2");
            await Assertions.Expect(browser.Page.Locator("[data-testid=queue] tr[data-run-id]")).ToHaveCountAsync(1);
            await Assertions.Expect(browser.Page.Locator("[data-testid=machines] tr[data-machine-id] a[href^='#/runs/']")).ToHaveCountAsync(2);

            var more = await fleet.SubmitAsync(site.Admin, 2);
            await Assertions.Expect(browser.Page.Locator("[data-testid=group-queued] .value")).ToHaveTextAsync("3", WithinTwoSeconds);
            await Assertions.Expect(browser.Page.Locator("[data-testid=queue] tr[data-run-id]")).ToHaveCountAsync(3, new() { Timeout = 2_000 });

            // Cancelled elsewhere (through the API), the runs leave the open page's queue.
            await Task.WhenAll(more.Select(run => site.Admin.CancelRunAsync(run.Id)));
            await Assertions.Expect(browser.Page.Locator("[data-testid=group-queued] .value")).ToHaveTextAsync("1", WithinTwoSeconds);
            await Assertions.Expect(browser.Page.Locator("[data-testid=queue] tr[data-run-id]")).ToHaveCountAsync(1, new() { Timeout = 2_000 });
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(await browser.Page.EvaluateAsync<bool>("() => window.notReloaded === true"), "The page was reloaded.");
    }
}
