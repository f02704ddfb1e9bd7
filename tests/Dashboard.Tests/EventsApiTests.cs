using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MachineGrid.Client;
using MachineGrid.Gateway;
using MachineGrid.Gateway.Tests;
using MachineGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>The event stream's authorization, its access filtering, and the statistics endpoints.</summary>
[Collection(DashboardCollection.Name)]
public sealed class EventsApiTests(DashboardSite site)
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("mget_unknown", null)]
    [InlineData("not-a-ticket", null)]
    [InlineData(null, "mgk_wrong_key")]
    [InlineData(null, "mk.m-1.nope")]
    public async Task The_stream_refuses_a_missing_bad_or_unknown_ticket_or_key_with_a_problem(string? ticket, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ticket is null ? "/api/v1/events" : $"/api/v1/events?ticket={ticket}");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        using var response = await site.Http.SendAsync(request);

        await ExpectProblem(response, HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Fact]
    public async Task A_ticket_needs_a_user_key_and_is_spent_by_its_first_stream()
    {
        using (var anonymous = await site.Http.PostAsync("/api/v1/events/ticket", null))
        {
            await ExpectProblem(anonymous, HttpStatusCode.Unauthorized, "Unauthenticated");
        }
        var ticket = await TicketAsync(site.AdminKey);
        Assert.StartsWith("mget_", ticket, StringComparison.Ordinal);

        using (var stream = await OpenStreamAsync($"/api/v1/events?ticket={ticket}"))
        {
            Assert.Equal("ready", (await stream.NextAsync()).Event);
        }
        using var again = await site.Http.GetAsync($"/api/v1/events?ticket={ticket}", HttpCompletionOption.ResponseHeadersRead);
        await ExpectProblem(again, HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Fact]
    public async Task A_stream_sends_changes_only_of_what_its_principal_may_see()
    {
        var (alice, aliceKey, _) = await site.NewUserAsync("alice", EnvironmentRole.EnvironmentMaker);
        var (bob, bobKey, _) = await site.NewUserAsync("bob", EnvironmentRole.EnvironmentMaker);
        using var aliceStream = await OpenStreamAsync($"/api/v1/events?ticket={await TicketAsync(aliceKey)}");
        using var bobStream = await OpenStreamAsync($"/api/v1/events?ticket={await TicketAsync(bobKey)}");
        Assert.Equal("ready", (await aliceStream.NextAsync()).Event);
        Assert.Equal("ready", (await bobStream.NextAsync()).Event);

        var secret = await alice.CreateGroupAsync(new CreateGroupRequest("alice-only", null));
        var visible = await bob.CreateGroupAsync(new CreateGroupRequest("bob-only", null));
        // Each marker changes after both groups did, so once a stream shows its marker it has looked at both.
        var aliceMarker = await alice.CreateGroupAsync(new CreateGroupRequest("alice-marker", null));
        var bobMarker = await bob.CreateGroupAsync(new CreateGroupRequest("bob-marker", null));

        var aliceGroups = await aliceStream.GroupsUntilAsync(aliceMarker.Id);
        var bobGroups = await bobStream.GroupsUntilAsync(bobMarker.Id);
        Assert.Contains(secret.Id, aliceGroups);
        Assert.DoesNotContain(visible.Id, aliceGroups);
        Assert.DoesNotContain(secret.Id, bobGroups);
        Assert.Contains(visible.Id, bobGroups);
    }

    [Fact]
    public async Task Every_change_made_after_ready_reaches_the_stream()
    {
        var (maker, makerKey, _) = await site.NewUserAsync("listener", EnvironmentRole.EnvironmentMaker);
        var fleet = await site.NewFleetAsync(maker, machines: 0);
        using var stream = await OpenStreamAsync($"/api/v1/events?ticket={await TicketAsync(makerKey)}");
        Assert.Equal("ready", (await stream.NextAsync()).Event);

        // Made at once after "ready", then a burst from several requests at a time: the silos' pump, the hub and the
        // gateway must lose none of them while the stream listens.
        var first = await maker.CreateGroupAsync(new CreateGroupRequest("first-after-ready", null));
        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => maker.CreateGroupAsync(new CreateGroupRequest($"burst-{i}", null))));
        await fleet.SubmitAsync(maker, 1);

        var expected = burst.Select(g => g.Id).Append(first.Id).ToHashSet();
        var groups = new HashSet<string>();
        var runGroups = new HashSet<string>();
        while (!expected.IsSubsetOf(groups) || !runGroups.Contains(fleet.Group.Id))
        {
            var (type, data) = await stream.NextAsync();
            if (type != "changes")
            {
                continue;
            }
            Assert.False(data.GetProperty("overflow").GetBoolean());
            groups.UnionWith(data.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("id").GetString()!));
            runGroups.UnionWith(data.GetProperty("runGroups").EnumerateArray().Select(g => g.GetString()!));
        }
    }

    [Fact]
    public async Task A_ticket_renamed_to_another_principal_opens_nothing_and_stays_its_owners()
    {
        var (_, aliceKey, aliceId) = await site.NewUserAsync("alice", EnvironmentRole.EnvironmentMaker);
        var (_, _, bobId) = await site.NewUserAsync("bob", EnvironmentRole.EnvironmentMaker);
        var ticket = await TicketAsync(aliceKey);
        Assert.StartsWith($"mget_{aliceId}.", ticket, StringComparison.Ordinal);

        var renamed = $"mget_{bobId}.{ticket[(ticket.LastIndexOf('.') + 1)..]}";
        using (var refused = await site.Http.GetAsync($"/api/v1/events?ticket={renamed}", HttpCompletionOption.ResponseHeadersRead))
        {
            await ExpectProblem(refused, HttpStatusCode.Unauthorized, "Unauthenticated");
        }

        using var stream = await OpenStreamAsync($"/api/v1/events?ticket={ticket}");
        var ready = await stream.NextAsync();
        Assert.Equal("ready", ready.Event);
        Assert.StartsWith("alice-", ready.Data.GetProperty("principal").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ticket_in_the_cookie_opens_the_stream_once_and_lives_no_longer_than_the_ticket()
    {
        // A client of its own that keeps no cookies, so only the cookie the test sends is presented.
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = site.Address };
        using var issued = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/ticket") { Headers = { Authorization = new("Bearer", site.AdminKey) } });
        issued.EnsureSuccessStatusCode();
        var cookie = Assert.Single(issued.Headers.GetValues("Set-Cookie"), c => c.StartsWith(EventsApi.TicketCookie + "=", StringComparison.Ordinal));
        Assert.Contains($"max-age={(int)EventTickets.Lifetime.TotalSeconds}", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/v1/events", cookie, StringComparison.OrdinalIgnoreCase);
        var ticket = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
        Assert.Contains($"{EventsApi.TicketCookie}={ticket};", cookie, StringComparison.Ordinal);

        using (var stream = await SendWithCookieAsync(http, ticket))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            using var reader = new EventReader(stream);
            Assert.Equal("ready", (await reader.NextAsync()).Event);
        }
        using var again = await SendWithCookieAsync(http, ticket);
        await ExpectProblem(again, HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Fact]
    public async Task A_stream_is_also_opened_with_a_bearer_key_and_admins_get_statistics()
    {
        using var stream = await OpenStreamAsync("/api/v1/events", site.AdminKey);
        var ready = await stream.NextAsync();
        Assert.Equal("ready", ready.Event);
        Assert.True(ready.Data.GetProperty("admin").GetBoolean());
        var stats = await stream.NextAsync();
        Assert.Equal("stats", stats.Event);
        Assert.Single(stats.Data.GetProperty("silos").EnumerateArray());
    }

    [Fact]
    public async Task Statistics_are_for_admins_and_the_overview_counts_what_the_caller_may_see()
    {
        var (maker, makerKey, _) = await site.NewUserAsync("maker", EnvironmentRole.EnvironmentMaker);
        var fleet = await site.NewFleetAsync(maker, machines: 2);
        await fleet.SubmitAsync(maker, 2);
        await site.Admin.UpdateMachineAsync(fleet.Machines[0].Machine.Id, new UpdateMachineRequest(Maintenance: true));

        using var forbidden = await Get("/api/v1/stats", makerKey);
        await ExpectProblem(forbidden, HttpStatusCode.Forbidden, "Forbidden");
        using var unauthenticated = await Get("/api/v1/overview", null);
        await ExpectProblem(unauthenticated, HttpStatusCode.Unauthorized, "Unauthenticated");

        using var overview = await Get("/api/v1/overview", makerKey);
        var counts = await overview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, counts.GetProperty("groups").GetInt32());
        Assert.Equal(1, counts.GetProperty("machines").GetProperty("maintenance").GetInt32());
        Assert.Equal(1, counts.GetProperty("machines").GetProperty("offline").GetInt32());
        Assert.Equal(2, counts.GetProperty("runs").GetProperty("queued").GetInt32());

        using var stats = await Get("/api/v1/stats", site.AdminKey);
        var body = await stats.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(body.GetProperty("grainTypes").EnumerateArray(), t => t.GetProperty("grainType").GetString() == "machinegroup");
        Assert.NotEqual(0, body.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task An_open_stream_ends_cleanly_when_the_host_stops()
    {
        var host = await GatewayHost.StartAsync();
        using var http = host.Client();
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events") { Headers = { Authorization = new("Bearer", host.AdminKey) } }, HttpCompletionOption.ResponseHeadersRead);
        using var stream = new EventReader(response);
        Assert.Equal("ready", (await stream.NextAsync()).Event);

        await host.DisposeAsync();

        // The server ended the response (no abort): reading reaches the end of the stream.
        while (await stream.TryNextAsync() is not null)
        {
        }
        if (Directory.Exists(host.DataDirectory))
        {
            Directory.Delete(host.DataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task One_principal_may_hold_a_bounded_number_of_streams_and_a_closed_one_frees_its_slot()
    {
        var (_, key, _) = await site.NewUserAsync("many-tabs", EnvironmentRole.EnvironmentMaker);
        var (_, otherKey, _) = await site.NewUserAsync("other-tab", EnvironmentRole.EnvironmentMaker);
        var streams = new List<EventReader>();
        try
        {
            for (var i = 0; i < EventTickets.MaxStreamsPerPrincipal; i++)
            {
                streams.Add(await OpenStreamAsync("/api/v1/events", key));
                Assert.Equal("ready", (await streams[^1].NextAsync()).Event);
            }

            using (var refused = await site.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events") { Headers = { Authorization = new("Bearer", key) } }, HttpCompletionOption.ResponseHeadersRead))
            {
                await ExpectProblem(refused, HttpStatusCode.Conflict, "InvalidState");
            }
            var unspent = await TicketAsync(key);
            using (var ticketRefused = await site.Http.GetAsync($"/api/v1/events?ticket={unspent}", HttpCompletionOption.ResponseHeadersRead))
            {
                await ExpectProblem(ticketRefused, HttpStatusCode.Conflict, "InvalidState");
            }
            using (var other = await OpenStreamAsync("/api/v1/events", otherKey))
            {
                Assert.Equal("ready", (await other.NextAsync()).Event);
            }

            // Closing a stream ends its response on the server, which releases its slot in the principal's grain.
            streams[0].Dispose();
            streams.RemoveAt(0);
            await Eventually.True(async () =>
            {
                // A refused attempt leaves the ticket unspent, so the same ticket is tried until the slot is free.
                var response = await site.Http.GetAsync($"/api/v1/events?ticket={unspent}", HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await ExpectProblem(response, HttpStatusCode.Conflict, "InvalidState");
                    response.Dispose();
                    return false;
                }
                streams.Add(new EventReader(response));
                return true;
            }, "a closed stream frees its slot");
            Assert.Equal("ready", (await streams[^1].NextAsync()).Event);
            Assert.Equal(EventTickets.MaxStreamsPerPrincipal, streams.Count);
            // The freed slot was the only one: the set is full again.
            using (var refusedAgain = await site.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events") { Headers = { Authorization = new("Bearer", key) } }, HttpCompletionOption.ResponseHeadersRead))
            {
                await ExpectProblem(refusedAgain, HttpStatusCode.Conflict, "InvalidState");
            }
        }
        finally
        {
            streams.ForEach(stream => stream.Dispose());
        }
    }

    private async Task<string> TicketAsync(string key)
    {
        using var response = await site.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/ticket") { Headers = { Authorization = new("Bearer", key) } });
        response.EnsureSuccessStatusCode();
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
    }

    private static Task<HttpResponseMessage> SendWithCookieAsync(HttpClient http, string ticket) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events") { Headers = { { "Cookie", $"{EventsApi.TicketCookie}={ticket}" } } }, HttpCompletionOption.ResponseHeadersRead);

    private async Task<EventReader> OpenStreamAsync(string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        var response = await site.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventReader(response);
    }

    private Task<HttpResponseMessage> Get(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return site.Http.SendAsync(request);
    }

    private static async Task ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }
}
