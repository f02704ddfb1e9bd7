using MachineGrid.Client;
using Microsoft.Playwright;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>Signing in, what an unauthenticated visitor sees, and that the page's data is the API's.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardSite site)
{
    [Fact]
    public async Task After_sign_in_the_groups_list_shows_the_counts_the_api_reports()
    {
        var fleet = await site.NewFleetAsync(site.Admin, machines: 2);
        await fleet.SubmitAsync(site.Admin, 3);
        await using var browser = await site.SignInAsync(site.AdminKey, "#/groups");

        var reported = await site.Admin.GetGroupAsync(fleet.Group.Id);
        var row = browser.Page.Locator($"tr[data-group-id='{fleet.Group.Id}']");
        await Assertions.Expect(row.Locator("[data-col=name]")).ToContainTextAsync(reported.Name);
        await Assertions.Expect(row.Locator("[data-col=description]")).ToHaveTextAsync(reported.Description ?? "");
        await Assertions.Expect(row.Locator("[data-col=machines]")).ToHaveTextAsync(reported.MachineCount.ToString());
        await Assertions.Expect(row.Locator("[data-col=running]")).ToHaveTextAsync(reported.RunningCount.ToString());
        await Assertions.Expect(row.Locator("[data-col=queued]")).ToHaveTextAsync(reported.QueuedCount.ToString());
        await Assertions.Expect(row.Locator("[data-col=access]")).ToHaveTextAsync(reported.Access.ToString()!);
        await Assertions.Expect(row.Locator("[data-col=owner]")).ToHaveTextAsync(reported.Owner!.Name);
        Assert.Equal(2, reported.MachineCount);
        Assert.Equal(3, reported.QueuedCount);

        // Every group the API lists is a row, and no other.
        var listed = new List<string>();
        await foreach (var group in site.Admin.GetAllGroupsAsync())
        {
            listed.Add(group.Id);
        }
        var rows = await browser.Page.Locator("tr[data-group-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.groupId)");
        Assert.Equal(listed.Order(), rows.Order());
    }

    [Fact]
    public async Task An_unauthenticated_visit_sees_the_sign_in_form_and_no_data()
    {
        await site.NewFleetAsync(site.Admin, machines: 1);
        await using var browser = await site.OpenAsync();

        await browser.Page.GotoAsync(new Uri(site.Address, "/#/groups").ToString());

        await Assertions.Expect(browser.Page.Locator("#sign-in-form")).ToBeVisibleAsync();
        await Assertions.Expect(browser.Page.Locator("#api-key")).ToBeVisibleAsync();
        await Assertions.Expect(browser.Page.Locator("#view")).ToBeHiddenAsync();
        await Assertions.Expect(browser.Page.Locator("#nav")).ToBeHiddenAsync();
        Assert.Equal(0, await browser.Page.Locator("tr[data-group-id]").CountAsync());
        Assert.DoesNotContain(browser.Requests, url => url.Contains("/api/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_a_right_one_is_not_shown_after_sign_in()
    {
        await using var browser = await site.OpenAsync();
        await browser.Page.GotoAsync(site.Address.ToString());
        await browser.Page.FillAsync("#api-key", "mgk_not_a_key");
        await browser.Page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(browser.Page.Locator("#sign-in-error")).ToContainTextAsync("not accepted");
        await Assertions.Expect(browser.Page.Locator("#nav")).ToBeHiddenAsync();

        await browser.Page.FillAsync("#api-key", site.AdminKey);
        await browser.Page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(browser.Page.Locator("#who")).ToContainTextAsync("admin");
        await Assertions.Expect(browser.Page.Locator("#live")).ToHaveAttributeAsync("data-state", "on");

        Assert.Equal("", await browser.Page.InputValueAsync("#api-key"));
        Assert.DoesNotContain(site.AdminKey, await browser.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Requests, url => url.Contains(site.AdminKey, StringComparison.Ordinal) || url.Contains("ticket=", StringComparison.Ordinal));
        Assert.DoesNotContain(site.Logs, line => line.Contains(site.AdminKey, StringComparison.Ordinal) || line.Contains("mget_", StringComparison.Ordinal));

        await browser.Page.ClickAsync("#sign-out");
        await Assertions.Expect(browser.Page.Locator("#sign-in-form")).ToBeVisibleAsync();
        Assert.Null(await browser.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('machinegrid.apiKey')"));
    }

    [Fact]
    public async Task The_page_loads_everything_from_the_gateway_under_a_same_origin_policy()
    {
        await using var browser = await site.SignInAsync(site.AdminKey);
        await browser.ShowAsync("#/groups");
        await browser.ShowAsync("#/runs");
        await browser.ShowAsync("#/silos");

        Assert.All(browser.Requests, url => Assert.StartsWith(site.Address.GetLeftPart(UriPartial.Authority), url, StringComparison.Ordinal));
        using var response = await site.Http.GetAsync("/");
        response.EnsureSuccessStatusCode();
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
