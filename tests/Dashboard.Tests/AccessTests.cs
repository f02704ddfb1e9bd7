using MachineGrid.Client;
using MachineGrid.TestSupport;
using Microsoft.Playwright;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>The page shows actions only to those the API's access fields allow, and its actions go through the API.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessTests(DashboardSite site)
{
    private const string Actions = ".action-maintenance, .action-cancel, .action-top, .action-priority";

    [Fact]
    public async Task A_user_with_user_access_sees_the_group_but_no_maintenance_or_cancel_buttons()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 2);
        var runs = await fleet.SubmitAsync(site.Admin, 2);
        var (_, key, id) = await site.NewUserAsync("runner", EnvironmentRole.MachineUser);
        await site.Admin.ShareGroupAsync(fleet.Group.Id, id, ResourceAccess.User);
        var other = await site.NewFleetAsync(site.Admin, machines: 1);

        await using var browser = await site.SignInAsync(key, "#/groups");
        var row = browser.Page.Locator($"tr[data-group-id='{fleet.Group.Id}']");
        await Assertions.Expect(row.Locator("[data-col=access]")).ToHaveTextAsync("User");
        await Assertions.Expect(browser.Page.Locator("tr[data-group-id]")).ToHaveCountAsync(1);
        Assert.Equal(0, await browser.Page.Locator($"tr[data-group-id='{other.Group.Id}']").CountAsync());

        await browser.ShowAsync($"#/groups/{fleet.Group.Id}");
        await Assertions.Expect(browser.Page.Locator("[data-testid=group-access]")).ToHaveTextAsync("User");
        await Assertions.Expect(browser.Page.Locator("[data-testid=machines] tr[data-machine-id]")).ToHaveCountAsync(2);
        await Assertions.Expect(browser.Page.Locator("[data-testid=queue] tr[data-run-id]")).ToHaveCountAsync(2);
        await Assertions.Expect(browser.Page.Locator("[data-testid=queue] .wait-reason").First).Not.ToBeEmptyAsync();
        Assert.Equal(0, await browser.Page.Locator(Actions).CountAsync());
        Assert.Equal(0, await browser.Page.Locator("button", new() { HasTextString = "aintenance" }).CountAsync());
        Assert.Equal(0, await browser.Page.Locator("button", new() { HasTextString = "Cancel" }).CountAsync());

        // Another principal's run in the group can be looked at, not changed.
        await browser.ShowAsync($"#/runs/{runs[0].Id}");
        await Assertions.Expect(browser.Page.Locator("[data-testid=run-reason]")).Not.ToBeEmptyAsync();
        Assert.Equal(0, await browser.Page.Locator(Actions).CountAsync());

        // A group this user may not see is not shown, however it is asked for.
        await browser.ShowAsync($"#/groups/{other.Group.Id}");
        await Assertions.Expect(browser.Page.Locator("#view h1")).ToHaveTextAsync("Group not available");
        Assert.Equal(0, await browser.Page.Locator("[data-testid=machines] tr[data-machine-id]").CountAsync());

        // Runtime statistics are for admins.
        await browser.ShowAsync("#/silos");
        Assert.Equal(0, await browser.Page.Locator("[data-testid=silos]").CountAsync());
    }

    [Fact]
    public async Task Maintenance_toggled_in_the_page_is_visible_through_the_api()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 2);
        var machine = fleet.Machines[0].Machine;
        await using var browser = await site.SignInAsync(site.AdminKey, $"#/groups/{fleet.Group.Id}");

        var machineRow = browser.Page.Locator($"tr[data-machine-id='{machine.Id}']");
        await machineRow.Locator("button.action-maintenance").ClickAsync();
        await Eventually.True(async () => (await site.Admin.GetMachineAsync(machine.Id)).Status == MachineStatus.Maintenance, "the API shows the machine in maintenance");
        await Assertions.Expect(machineRow.Locator("[data-col=status]")).ToHaveTextAsync("Maintenance");

        await machineRow.Locator("button.action-maintenance").ClickAsync();
        await Eventually.True(async () => (await site.Admin.GetMachineAsync(machine.Id)).Status != MachineStatus.Maintenance, "the API shows the machine out of maintenance");

        await browser.Page.ClickAsync("[data-testid=group-maintenance]");
        await Eventually.True(async () => (await site.Admin.GetGroupAsync(fleet.Group.Id)).Maintenance, "the API shows the group in maintenance");
        await Assertions.Expect(browser.Page.Locator("[data-testid=group-maintenance]")).ToHaveTextAsync("End group maintenance");
    }

    [Fact]
    public async Task Queue_actions_in_the_page_reorder_and_cancel_runs_through_the_api()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 1);
        var runs = new List<Run>();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            runs.AddRange(await fleet.SubmitAsync(site.Admin, 1));
        }
        await using var browser = await site.SignInAsync(site.AdminKey, $"#/groups/{fleet.Group.Id}");
        var queue = browser.Page.Locator("[data-testid=queue] tr[data-run-id]");
        await Assertions.Expect(queue).ToHaveCountAsync(3);
        await Assertions.Expect(queue.First).ToHaveAttributeAsync("data-run-id", runs[0].Id);

        await browser.Page.Locator($"tr[data-run-id='{runs[2].Id}'] button.action-top").ClickAsync();
        await Eventually.True(async () => (await site.Admin.GetGroupQueueAsync(fleet.Group.Id)).Items[0].RunId == runs[2].Id, "the API shows the run at the top");
        await Assertions.Expect(queue.First).ToHaveAttributeAsync("data-run-id", runs[2].Id);

        await browser.Page.Locator($"tr[data-run-id='{runs[1].Id}'] select.action-priority").SelectOptionAsync("High");
        await Eventually.True(async () => (await site.Admin.GetRunAsync(runs[1].Id)).Priority == RunPriority.High, "the API shows the new priority");

        await browser.Page.Locator($"tr[data-run-id='{runs[0].Id}'] button.action-cancel").ClickAsync();
        await Eventually.True(async () => (await site.Admin.GetRunAsync(runs[0].Id)).Status == RunStatus.Cancelled, "the API shows the run cancelled");
        await Assertions.Expect(queue).ToHaveCountAsync(2);

        // The run page shows its timeline, reason and (none yet) credential.
        await browser.ShowAsync($"#/runs/{runs[0].Id}");
        await Assertions.Expect(browser.Page.Locator("[data-testid=run-reason]")).ToHaveTextAsync("CancelledByUser");
        await Assertions.Expect(browser.Page.Locator("[data-testid=timeline] .step.done")).ToHaveCountAsync(2);
        Assert.Equal(0, await browser.Page.Locator(".action-cancel").CountAsync());
    }
}
