using MachineGrid.Client;
using MachineGrid.TestSupport;
using Microsoft.Playwright;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>The runs list with its filters, and a run's page with what it ran on.</summary>
[Collection(DashboardCollection.Name)]
public sealed class RunsPageTests(DashboardSite site)
{
    [Fact]
    public async Task Runs_filtered_by_group_and_status_and_a_run_page_show_what_the_api_reports()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 1);
        using var stop = new CancellationTokenSource();
        var machines = fleet.RunAsync(TimeSpan.FromMilliseconds(50), stop.Token);
        Run[] done;
        try
        {
            var runs = await fleet.SubmitAsync(site.Admin, 2);
            done = await Task.WhenAll(runs.Select(run => site.Admin.WaitForRunAsync(run.Id, TimeSpan.FromSeconds(60))));
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }
        // The stopped machine still counts as online for a while; in maintenance it takes nothing, so new runs wait.
        await site.Admin.UpdateMachineAsync(fleet.Machines[0].Machine.Id, new UpdateMachineRequest(Maintenance: true));
        var queued = await fleet.SubmitAsync(site.Admin, 1);

        await using var browser = await site.SignInAsync(site.AdminKey, $"#/runs?group={fleet.Group.Id}&status=Succeeded");
        var rows = browser.Page.Locator("[data-testid=runs] tr[data-run-id]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)");
        Assert.Equal(done.Select(r => r.Id).Order(), shown.Order());

        await browser.ShowAsync($"#/runs?group={fleet.Group.Id}&status=Queued");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-run-id", queued[0].Id);

        // Submitted while the list is open, a run appears without a reload.
        var another = await fleet.SubmitAsync(site.Admin, 1);
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 2_000 });

        var run = await site.Admin.GetRunAsync(done[0].Id);
        await browser.ShowAsync($"#/runs/{run.Id}");
        await Assertions.Expect(browser.Page.Locator("[data-testid=timeline] .step.done")).ToHaveCountAsync(4);
        await Assertions.Expect(browser.Page.Locator("[data-testid=run-machine]")).ToHaveTextAsync(run.MachineId!);
        await Assertions.Expect(browser.Page.Locator("[data-testid=run-credential]")).ToHaveTextAsync($"{run.Credential!.Name} (username {run.Credential.Username})");
        await Assertions.Expect(browser.Page.Locator("[data-testid=run-reason]")).ToHaveTextAsync(run.StatusReason!);
        Assert.Equal(0, await browser.Page.Locator(".action-cancel").CountAsync());

        await browser.ShowAsync($"#/runs/{another[0].Id}");
        await Assertions.Expect(browser.Page.Locator("[data-testid=timeline] .step.done")).ToHaveCountAsync(1);
        await Assertions.Expect(browser.Page.Locator(".action-cancel")).ToHaveCountAsync(1);
    }
}
