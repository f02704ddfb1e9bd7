using System.Net;
using Xunit;

namespace MachineGrid.Client.Tests;

public sealed class ProblemResponseTests : IAsyncLifetime
{
    private ProblemServer server = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        server = await ProblemServer.StartAsync();
        http = new HttpClient { BaseAddress = server.Address };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_problem_with_a_code_becomes_a_typed_exception()
    {
        var client = new MachineGridClient(http, "mgk_user");

        var error = await Assert.ThrowsAsync<MachineGridException>(() => client.DeleteGroupAsync("g-1"));

        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Equal(ErrorCodes.GroupNotEmpty, error.Code);
        Assert.Equal("The group is not empty", error.Title);
        Assert.Equal("Group g-1 still has 3 machines.", error.Detail);
        Assert.Contains("GroupNotEmpty", error.Message);
    }

    [Fact]
    public async Task A_request_with_a_body_surfaces_the_problem_too()
    {
        var client = new MachineGridClient(http, "mgk_user");

        var error = await Assert.ThrowsAsync<MachineGridException>(() => client.JoinGroupAsync("m-1", "g-1", "wrong"));

        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.Equal(ErrorCodes.WrongGroupPassword, error.Code);
    }

    [Fact]
    public async Task Validation_errors_by_field_are_kept()
    {
        var client = new MachineGridClient(http, "mgk_user");

        var error = await Assert.ThrowsAsync<MachineGridException>(() => client.CreateGroupAsync(new CreateGroupRequest("")));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal(ErrorCodes.Validation, error.Code);
        Assert.Equal(["name is required."], error.Errors["name"]);
    }

    [Fact]
    public async Task A_body_that_is_not_a_problem_becomes_the_detail()
    {
        var client = new MachineGridClient(http, "mgk_user");

        var error = await Assert.ThrowsAsync<MachineGridException>(() => client.GetRunAsync("r-1"));

        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.Null(error.Code);
        Assert.Equal("upstream exploded", error.Detail);
    }

    [Fact]
    public async Task Malformed_problem_json_still_gives_the_status()
    {
        var client = new MachineGridClient(http, "mgk_user");

        var error = await Assert.ThrowsAsync<MachineGridException>(() => client.SetRunPriorityAsync("r-1", RunPriority.High));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Null(error.Code);
        Assert.Equal("{not json", error.Detail);
    }

    [Fact]
    public async Task An_empty_error_response_gives_the_status_alone()
    {
        var client = new MachineGridClient(http, "mgk_bad");

        var error = await Assert.ThrowsAsync<MachineGridException>(() => client.GetMeAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Null(error.Code);
        Assert.Null(error.Detail);
    }

    [Fact]
    public async Task No_content_from_the_assignment_long_poll_means_no_assignment()
    {
        var agent = new AgentClient(http, "mk.m-7.secret");

        var assignment = await agent.WaitForAssignmentAsync(TimeSpan.FromSeconds(1));

        Assert.Null(assignment);
        Assert.Equal("m-7", agent.MachineId);
    }

    [Fact]
    public async Task Each_long_poll_asks_for_its_own_wait_and_every_request_accepts_json_and_problems()
    {
        var agent = new AgentClient(http, "mk.m-7.secret");

        foreach (var wait in new[] { 0, 1, 0, 2 })
        {
            await agent.WaitForAssignmentAsync(TimeSpan.FromSeconds(wait));
        }

        Assert.Equal(
            [.. new[] { 0, 1, 0, 2 }.Select(wait => $"GET /api/v1/agent/assignments?waitSeconds={wait} | application/json, application/problem+json")],
            server.Requests);
    }

    [Fact]
    public async Task Each_client_sends_its_own_key_over_a_shared_HttpClient()
    {
        var user = new MachineGridClient(http, "mgk_user");
        var machine = new AgentClient(http, "mk.m-7.secret");

        await Assert.ThrowsAsync<MachineGridException>(() => user.GetMeAsync());
        await machine.WaitForAssignmentAsync(TimeSpan.Zero);

        Assert.Equal(["Bearer mgk_user", "Bearer mk.m-7.secret"], server.Authorizations.TakeLast(2));
    }
}
