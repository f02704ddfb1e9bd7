using System.Net;
using System.Net.Http.Json;
using System.Text;
using Xunit;

namespace MachineGrid.Gateway.Tests;

/// <summary>Responses with a body are sent whole, with their length, rather than chunked; the event stream still streams.</summary>
public sealed class ResponseFramingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_submitted_run_is_answered_with_its_length_and_its_location()
    {
        var online = await Grid.OnlineGroupAsync();

        using var response = await Grid.Admin.Http.PostAsJsonAsync("api/v1/runs", new { connectionId = online.ConnectionId, flowId = "invoice-flow", runMode = "Unattended" });

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        AssertSized(response, body);
        var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/runs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_assignment_is_answered_with_its_length_and_an_empty_long_poll_with_no_body()
    {
        var online = await Grid.OnlineGroupAsync();
        var agent = online.Machines[0].Agent.Http;
        using (var empty = await agent.GetAsync("api/v1/agent/assignments?waitSeconds=0"))
        {
            Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
            Assert.Empty(await empty.Content.ReadAsByteArrayAsync());
        }
        var run = (await Grid.SubmitAsync(online.ConnectionId)).Id;

        using var response = await agent.GetAsync("api/v1/agent/assignments?waitSeconds=10");

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSized(response, body);
        Assert.Contains($"\"runId\":\"{run}\"", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_list_larger_than_the_first_buffer_is_sent_whole_with_its_length()
    {
        var online = await Grid.OnlineGroupAsync();
        for (var i = 0; i < 12; i++)
        {
            await Grid.SubmitAsync(online.ConnectionId);
        }

        using var response = await Grid.Admin.Http.GetAsync($"api/v1/runs?groupId={online.GroupId}&limit=100");

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.Length > 2048, $"the list is {body.Length} bytes");
        AssertSized(response, body);
        Assert.Equal(12, System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_event_stream_is_still_streamed()
    {
        var ticket = (await Grid.Admin.PostAsync("api/v1/events/ticket")).Is(HttpStatusCode.OK).Text("ticket");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/events?ticket={Uri.EscapeDataString(ticket)}");

        using var response = await Grid.Admin.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);
    }

    private static void AssertSized(HttpResponseMessage response, byte[] body)
    {
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }
}
