using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class AuthTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly (string Method, string Path)[] UserEndpoints =
    [
        ("GET", "api/v1/me"),
        ("GET", "api/v1/groups"),
        ("POST", "api/v1/groups"),
        ("GET", "api/v1/machines"),
        ("GET", "api/v1/credentials"),
        ("GET", "api/v1/mappings"),
        ("POST", "api/v1/connections"),
        ("GET", "api/v1/runs"),
        ("POST", "api/v1/runs"),
        ("GET", "api/v1/audit"),
    ];

    private static readonly (string Method, string Path)[] AgentEndpoints =
    [
        ("POST", "api/v1/agent/heartbeat"),
        ("GET", "api/v1/agent/assignments?waitSeconds=0"),
        ("POST", "api/v1/agent/runs/r-1/start"),
        ("POST", "api/v1/agent/runs/r-1/complete"),
        ("POST", "api/v1/agent/credentials/cred-1/failure"),
    ];

    private Grid Grid => fixture.Grid;

    public static TheoryData<string, string> AllEndpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var (method, path) in UserEndpoints.Concat(AgentEndpoints))
        {
            data.Add(method, path);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task Without_a_key_every_endpoint_is_unauthenticated(string method, string path)
    {
        var answered = await Grid.As(null).SendRawAsync(new HttpMethod(method), path, method == "POST" ? "{}" : null);

        answered.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Theory]
    [InlineData("Bearer", "mgk_notakeyatall0000000000000000000000000000000")]
    [InlineData("Bearer", "mk.m-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer", "mk.only-two")]
    [InlineData("Bearer", "garbage")]
    [InlineData("Basic", "YWRtaW46YWRtaW4=")]
    public async Task An_unknown_key_is_unauthenticated_on_user_and_agent_endpoints(string scheme, string key)
    {
        var client = Grid.As(null);
        var authorization = new AuthenticationHeaderValue(scheme, key);

        var user = await client.SendAsync(HttpMethod.Get, "api/v1/groups", null, authorization);
        var agent = await client.SendAsync(HttpMethod.Get, "api/v1/agent/assignments?waitSeconds=0", null, authorization);

        user.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
        agent.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Fact]
    public async Task A_very_long_key_is_unauthenticated()
    {
        var answered = await Grid.As("mgk_" + new string('x', 5000)).GetAsync("api/v1/me");

        answered.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Fact]
    public async Task A_machine_key_is_forbidden_on_user_endpoints()
    {
        var machine = await Grid.MachineAsync();

        foreach (var (method, path) in UserEndpoints)
        {
            var answered = await machine.Agent.SendRawAsync(new HttpMethod(method), path, method == "POST" ? "{}" : null);

            answered.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        }
        (await machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=0")).Is(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_user_key_is_forbidden_on_agent_endpoints()
    {
        var user = await Grid.PrincipalAsync("MachineOwner");

        foreach (var client in new[] { user.Api, Grid.Admin })
        {
            foreach (var (method, path) in AgentEndpoints)
            {
                var answered = await client.SendRawAsync(new HttpMethod(method), path, method == "POST" ? "{}" : null);

                answered.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
            }
        }
        (await user.Api.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_is_checked_before_the_body_is_read()
    {
        var machine = await Grid.MachineAsync();
        const string Malformed = "{\"connectionId\": ";

        var anonymous = await Grid.As(null).SendRawAsync(HttpMethod.Post, "api/v1/runs", Malformed);
        var wrongKind = await machine.Agent.SendRawAsync(HttpMethod.Post, "api/v1/runs", Malformed);
        var user = await Grid.Admin.SendRawAsync(HttpMethod.Post, "api/v1/runs", Malformed);

        anonymous.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
        wrongKind.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        user.IsProblem(HttpStatusCode.BadRequest, "Validation");
    }

    [Fact]
    public async Task The_key_of_a_deleted_machine_no_longer_signs_in()
    {
        var machine = await Grid.MachineAsync();
        (await Grid.Admin.DeleteAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.NoContent);

        var answered = await machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=0");

        answered.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
    }
}
