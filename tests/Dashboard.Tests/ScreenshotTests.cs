using MachineGrid.Client;
using MachineGrid.TestSupport;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace MachineGrid.Dashboard.Tests;

/// <summary>Saves screenshots of a busy grid for people to look at (under <c>artifacts/</c> beside the test assembly).</summary>
[Collection(DashboardCollection.Name)]
public sealed class ScreenshotTests(DashboardSite site, ITestOutputHelper output)
{
    [Fact]
    public async Task Screenshots_of_the_overview_and_a_group_page_are_saved()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 3, name: "night-shift");
        var spare = await site.NewFleetAsync(site.Admin, machines: 2, name: "invoices");
        await site.Admin.UpdateMachineAsync(spare.Machines[1].Machine.Id, new UpdateMachineRequest(Maintenance: true));
        using var stop = new CancellationTokenSource();
        var machines = Task.WhenAll(fleet.RunAsync(TimeSpan.FromMilliseconds(400), stop.Token), spare.RunAsync(TimeSpan.FromMinutes(5), stop.Token));
        try
        {
            // A steady trickle of short runs so the charts have something to show, then a backlog.
            await using var browser = await site.SignInAsync(site.AdminKey, "#/overview");
            for (var i = 0; i < 6; i++)
            {
                await fleet.SubmitAsync(site.Admin, 4, "invoice");
                await Task.Delay(700);
            }
            await fleet.SubmitAsync(site.Admin, 5, "payroll");
            await spare.SubmitAsync(site.Admin, 3, "report");
            await Eventually.True(async () => (await site.Admin.GetGroupAsync(spare.Group.Id)).RunningCount == 1, "the spare group runs a flow");
            await Assertions.Expect(browser.Page.Locator("[data-testid=grain-types] tbody tr")).Not.ToHaveCountAsync(0);
            await Assertions.Expect(browser.Page.Locator(".chart polyline").First).ToBeAttachedAsync();
            await Assertions.Expect(browser.Page.Locator("[data-testid=runs-running] .value")).Not.ToHaveTextAsync("0");

            var overview = Path.Combine(DashboardSite.Artifacts, "overview.png");
            await browser.Page.ScreenshotAsync(new PageScreenshotOptions { Path = overview, FullPage = true });

            await browser.ShowAsync($"#/groups/{fleet.Group.Id}");
            await Assertions.Expect(browser.Page.Locator("[data-testid=machines] tr[data-machine-id]")).ToHaveCountAsync(3);
            var group = Path.Combine(DashboardSite.Artifacts, "group.png");
            await browser.Page.ScreenshotAsync(new PageScreenshotOptions { Path = group, FullPage = true });

            await browser.ShowAsync("#/groups");
            var groups = Path.Combine(DashboardSite.Artifacts, "groups.png");
            await browser.Page.ScreenshotAsync(new PageScreenshotOptions { Path = groups, FullPage = true });

            foreach (var file in new[] { overview, group, groups })
            {
                Assert.True(new FileInfo(file).Length > 10_000, $"{file} looks empty.");
                output.WriteLine($"Screenshot: {file}");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
