using System.Net;
using System.Text;
using Xunit;

namespace MachineGrid.Gateway.Tests;

/// <summary>Bad requests get 4xx problem responses, never a 5xx, and leave the store as it was.</summary>
public sealed class BadInputTests(SeededGatewayFixture fixture) : IClassFixture<SeededGatewayFixture>
{
    private static readonly string[] BodyEndpoints =
    [
        "POST api/v1/principals", "POST api/v1/groups", "PATCH api/v1/groups/{group}", "PUT api/v1/groups/{group}/password",
        "POST api/v1/groups/{group}/shares", "POST api/v1/machines", "PATCH api/v1/machines/{machine}", "PUT api/v1/machines/{mapped}/group",
        "POST api/v1/machines/{mapped}/shares", "POST api/v1/credentials", "POST api/v1/credentials/{credential}/shares", "POST api/v1/mappings",
        "PUT api/v1/mappings/{mapping}/machines/{machine}", "POST api/v1/mappings/{mapping}/shares", "POST api/v1/mappings/import",
        "POST api/v1/connections", "POST api/v1/runs", "PATCH api/v1/runs/{run}",
    ];

    private SeededStore Seed => fixture.Seed;

    private ApiClient Admin => fixture.Admin;

    public static TheoryData<string> MalformedBodies() =>
    [
        "", "{", "}", "not json", "{\"name\":", "{\"name\":\"x\"", "{\"name\":\"x\",}", "[]", "null", "42", "\"text\"",
        "{\"name\":\"x\"} trailing", "{'name':'x'}", "{\"name\":\"x\" \"description\":\"y\"}", "\u0000",
        new string('[', 10_000) + new string(']', 10_000),
    ];

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_json_is_refused_by_every_endpoint_that_takes_a_body(string body)
    {
        var before = await Seed.SnapshotAsync(Admin);

        foreach (var endpoint in BodyEndpoints)
        {
            var (method, path) = Endpoint(endpoint);
            var answered = await Admin.SendRawAsync(method, path, body);

            answered.IsProblem(HttpStatusCode.BadRequest, "Validation");
        }

        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    public static TheoryData<string, string> WrongTypes() => new()
    {
        { "POST api/v1/principals", """{"name":1,"roles":["MachineUser"]}""" },
        { "POST api/v1/principals", """{"name":"x","roles":"MachineUser"}""" },
        { "POST api/v1/groups", """{"name":["x"]}""" },
        { "POST api/v1/groups", """{"name":"x","description":{"a":1}}""" },
        { "PATCH api/v1/groups/{group}", """{"maintenance":"yes"}""" },
        { "PATCH api/v1/groups/{group}", """{"name":true}""" },
        { "PUT api/v1/groups/{group}/password", """{"newPassword":12345678}""" },
        { "POST api/v1/machines", """{"name":"m","kind":"Desktop","maxSessions":"one","agentVersion":"1","os":"w","fingerprint":"f"}""" },
        { "POST api/v1/machines", """{"name":"m","kind":"Server","maxSessions":1.5,"agentVersion":"1","os":"w","fingerprint":"f"}""" },
        { "PATCH api/v1/machines/{machine}", """{"maxSessions":99999999999999999999}""" },
        { "PATCH api/v1/machines/{machine}", """{"description":"refused, so never shown","maxSessions":0}""" },
        { "PATCH api/v1/machines/{machine}", """{"description":"refused, so never shown","maxSessions":2}""" },
        { "PUT api/v1/machines/{mapped}/group", """{"groupId":{"id":"x"},"password":"correct-horse-battery"}""" },
        { "POST api/v1/credentials", """{"name":"c","username":"u","store":"Local","secret":"s","usableInConnections":"true"}""" },
        { "POST api/v1/credentials", """{"name":"c","username":42,"store":"Local","secret":"s","usableInConnections":true}""" },
        { "POST api/v1/mappings", """{"name":"m","defaultCredentialId":"c","machines":{"machineId":"x"}}""" },
        { "POST api/v1/mappings", """{"name":"m","defaultCredentialId":"c","machines":[{"machineId":"x","credentialIds":"c"}]}""" },
        { "PUT api/v1/mappings/{mapping}/machines/{machine}", """{"credentialIds":[1,2]}""" },
        { "POST api/v1/mappings/import", """{"document":"a string"}""" },
        { "POST api/v1/connections", """{"name":"c","target":"g-1","credentialId":"c"}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","queueTimeoutSeconds":"ten"}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","maxAttempts":1e400}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","runTimeoutSeconds":-30}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","queueTimeoutSeconds":0}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","maxAttempts":0}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","idempotencyKey":""}""" },
        { "POST api/v1/runs", """{"connectionId":["{connection}"],"flowId":"f","runMode":"Unattended"}""" },
        { "POST api/v1/runs", """{"connectionId":null,"flowId":"f","runMode":"Unattended"}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":null,"runMode":"Unattended"}""" },
        { "PATCH api/v1/runs/{run}", """{"priority":null}""" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task Wrong_types_nulls_and_out_of_range_numbers_are_refused(string endpoint, string body)
    {
        var before = await Seed.SnapshotAsync(Admin);
        var (method, path) = Endpoint(endpoint);

        var answered = await Admin.SendRawAsync(method, path, Resolve(body));

        answered.IsProblem(HttpStatusCode.BadRequest, "Validation");
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    public static TheoryData<string, string> UnknownEnums() => new()
    {
        { "POST api/v1/principals", """{"name":"x","roles":["Root"]}""" },
        { "POST api/v1/machines", """{"name":"m","kind":"Laptop","agentVersion":"1","os":"w","fingerprint":"f"}""" },
        { "POST api/v1/machines", """{"name":"m","kind":2,"agentVersion":"1","os":"w","fingerprint":"f"}""" },
        { "POST api/v1/credentials", """{"name":"c","username":"u","store":"Vault9000","secret":"s","usableInConnections":true}""" },
        { "POST api/v1/groups/{group}/shares", """{"principalId":"{user}","access":"God"}""" },
        { "POST api/v1/groups/{group}/shares", """{"principalId":"{user}","access":"Owner"}""" },
        { "POST api/v1/machines/{mapped}/shares", """{"principalId":"{user}","access":7}""" },
        { "POST api/v1/credentials/{credential}/shares", """{"principalId":"{user}","access":"Admin"}""" },
        { "POST api/v1/mappings/{mapping}/shares", """{"principalId":"{user}","access":"Everything"}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Sometimes"}""" },
        { "POST api/v1/runs", """{"connectionId":"{connection}","flowId":"f","runMode":"Unattended","priority":"Urgent"}""" },
        { "PATCH api/v1/runs/{run}", """{"priority":"Critical"}""" },
        { "PATCH api/v1/runs/{run}", """{"priority":-1}""" },
        { "GET api/v1/runs?status=Lost", "" },
        { "GET api/v1/runs?status=99", "" },
        { "GET api/v1/groups?limit=0", "" },
        { "GET api/v1/groups?limit=201", "" },
        { "GET api/v1/machines?limit=-5", "" },
        { "GET api/v1/credentials?limit=many", "" },
        { "GET api/v1/mappings?cursor=%01%02", "" },
        { "GET api/v1/audit?limit=0", "" },
        { "GET api/v1/audit?limit=201", "" },
        { "GET api/v1/audit?cursor=%7F", "" },
    };

    [Theory]
    [MemberData(nameof(UnknownEnums))]
    public async Task Unknown_enum_values_and_bad_paging_are_refused(string endpoint, string body)
    {
        var before = await Seed.SnapshotAsync(Admin);
        var (method, path) = Endpoint(endpoint);

        var answered = await Admin.SendRawAsync(method, path, method == HttpMethod.Get ? null : Resolve(body));

        answered.IsProblem(HttpStatusCode.BadRequest, "Validation");
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Theory]
    [InlineData("POST api/v1/groups")]
    [InlineData("POST api/v1/runs")]
    [InlineData("POST api/v1/credentials")]
    [InlineData("PATCH api/v1/groups/{group}")]
    public async Task A_10_MB_body_is_refused_as_too_large(string endpoint)
    {
        var before = await Seed.SnapshotAsync(Admin);
        var (method, path) = Endpoint(endpoint);
        var body = $$"""{"name":"{{new string('a', 10 * 1024 * 1024)}}","connectionId":"{{Seed.ConnectionId}}","flowId":"f","runMode":"Unattended"}""";

        var answered = await Admin.SendAsync(method, path, new StringContent(body, Encoding.UTF8, "application/json"), expectContinue: true);

        Assert.Contains(answered.Status, new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest });
        answered.IsClientError();
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Fact]
    public async Task Run_inputs_up_to_2_MB_are_accepted_and_larger_ones_refused()
    {
        var fits = new string('x', 2 * 1024 * 1024 - 64);
        var tooBig = new string('x', 2 * 1024 * 1024 + 64);

        var accepted = await Admin.PostAsync("api/v1/runs", new { connectionId = Seed.ConnectionId, flowId = "big", runMode = "Unattended", inputs = new { blob = fits } });
        var refused = await Admin.PostAsync("api/v1/runs", new { connectionId = Seed.ConnectionId, flowId = "big", runMode = "Unattended", inputs = new { blob = tooBig } });

        accepted.Is(HttpStatusCode.Accepted);
        refused.IsClientError();
        (await Admin.PostAsync($"api/v1/runs/{accepted.Id}/cancel")).Is(HttpStatusCode.OK);
    }

    public static TheoryData<string> ControlCharacterNames() =>
    [
        "nul\u0000byte", "bell\u0007", "escape\u001b[31m", "tab\tinside", "line\nbreak", "delete\u007f", "c1\u0085control", "   ", "",
        new string('n', 201),
    ];

    [Theory]
    [MemberData(nameof(ControlCharacterNames))]
    public async Task Names_with_control_characters_blank_or_too_long_are_refused_everywhere(string name)
    {
        var before = await Seed.SnapshotAsync(Admin);

        var answers = new[]
        {
            await Admin.PostAsync("api/v1/principals", new { name, roles = new[] { "MachineUser" } }),
            await Admin.PostAsync("api/v1/groups", new { name }),
            await Admin.PatchAsync($"api/v1/groups/{Seed.GroupId}", new { name }),
            await Admin.PostAsync("api/v1/machines", new { name, kind = "Desktop", agentVersion = "1", os = "w", fingerprint = "f" }),
            await Admin.PostAsync("api/v1/credentials", new { name, username = "u", store = "Local", secret = "s", usableInConnections = true }),
            await Admin.PostAsync("api/v1/credentials", new { name = "c", username = name, store = "Local", secret = "s", usableInConnections = true }),
            await Admin.PostAsync("api/v1/mappings", new { name, defaultCredentialId = Seed.CredentialId, machines = Array.Empty<object>() }),
            await Admin.PostAsync("api/v1/connections", new { name, target = new { groupId = Seed.GroupId }, credentialId = Seed.CredentialId }),
            await Admin.PostAsync("api/v1/runs", new { connectionId = Seed.ConnectionId, flowId = name, runMode = "Unattended" }),
        };

        Assert.All(answers, answered => answered.IsProblem(HttpStatusCode.BadRequest, "Validation"));
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Theory]
    [InlineData("api/v1/principals", """{"name":"lone \ud800 surrogate","roles":["MachineUser"]}""")]
    [InlineData("api/v1/groups", """{"name":"lone \udc00 surrogate"}""")]
    [InlineData("api/v1/credentials", """{"name":"c","username":"u\ud800","store":"Local","secret":"s","usableInConnections":true}""")]
    public async Task Invalid_utf16_in_names_is_refused(string path, string body)
    {
        var before = await Seed.SnapshotAsync(Admin);

        var answered = await Admin.SendRawAsync(HttpMethod.Post, path, body);

        answered.IsProblem(HttpStatusCode.BadRequest, "Validation");
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Theory]
    [InlineData("Rechnungsprüfung – Büro 3")]
    [InlineData("請求書ロボット")]
    [InlineData("🤖 robots 🚀")]
    [InlineData("עברית \u202e reversed")]
    [InlineData("zero\u200bwidth")]
    public async Task Unicode_names_are_kept_exactly(string name)
    {
        var groupId = (await Admin.PostAsync("api/v1/groups", new { name, description = name })).Is(HttpStatusCode.Created).Id;

        var fetched = (await Admin.GetAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.OK);

        Assert.Equal(name, fetched.Text("name"));
        Assert.Equal(name, fetched.Text("description"));
        (await Admin.DeleteAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.NoContent);
    }

    public static TheoryData<string, string> MissingIds() => new()
    {
        { "GET", "api/v1/groups/{missing}" },
        { "PATCH", "api/v1/groups/{missing}" },
        { "DELETE", "api/v1/groups/{missing}" },
        { "PUT", "api/v1/groups/{missing}/password" },
        { "GET", "api/v1/groups/{missing}/machines" },
        { "GET", "api/v1/groups/{missing}/queue" },
        { "POST", "api/v1/groups/{missing}/shares" },
        { "DELETE", "api/v1/groups/{missing}/shares/{user}" },
        { "GET", "api/v1/machines/{missing}" },
        { "PATCH", "api/v1/machines/{missing}" },
        { "DELETE", "api/v1/machines/{missing}" },
        { "PUT", "api/v1/machines/{missing}/group" },
        { "DELETE", "api/v1/machines/{missing}/group" },
        { "POST", "api/v1/machines/{missing}/shares" },
        { "DELETE", "api/v1/machines/{missing}/shares/{user}" },
        { "GET", "api/v1/credentials/{missing}" },
        { "DELETE", "api/v1/credentials/{missing}" },
        { "POST", "api/v1/credentials/{missing}/shares" },
        { "DELETE", "api/v1/credentials/{missing}/shares/{user}" },
        { "GET", "api/v1/mappings/{missing}" },
        { "DELETE", "api/v1/mappings/{missing}" },
        { "PUT", "api/v1/mappings/{missing}/machines/{machine}" },
        { "DELETE", "api/v1/mappings/{missing}/machines/{machine}" },
        { "DELETE", "api/v1/mappings/{mapping}/machines/{missing}" },
        { "POST", "api/v1/mappings/{missing}/shares" },
        { "DELETE", "api/v1/mappings/{missing}/shares/{user}" },
        { "GET", "api/v1/mappings/{missing}/export" },
        { "GET", "api/v1/connections/{missing}" },
        { "GET", "api/v1/runs/{missing}" },
        { "PATCH", "api/v1/runs/{missing}" },
        { "POST", "api/v1/runs/{missing}/cancel" },
        { "POST", "api/v1/runs/{missing}/move-to-top" },
    };

    [Theory]
    [MemberData(nameof(MissingIds))]
    public async Task Ids_that_do_not_exist_are_not_found(string method, string template)
    {
        var before = await Seed.SnapshotAsync(Admin);
        var body = method is "GET" or "DELETE" ? null : Body(template);

        foreach (var missing in new[] { "x-does-not-exist", "g-" + Guid.NewGuid().ToString("N"), "ünïcødé-☃", "with space", "%25", "a.b.c" })
        {
            var answered = await Admin.SendRawAsync(new HttpMethod(method), Resolve(template).Replace("{missing}", missing, StringComparison.Ordinal), body);

            answered.IsProblem(HttpStatusCode.NotFound, "NotFound");
        }

        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Theory]
    [InlineData("api/v1/groups/{long}")]
    [InlineData("api/v1/machines/{long}")]
    [InlineData("api/v1/runs/{long}")]
    [InlineData("api/v1/runs/{long}/cancel")]
    [InlineData("api/v1/mappings/{mapping}/machines/{long}")]
    [InlineData("api/v1/groups/solo:m-1")]
    [InlineData("api/v1/connections/%01")]
    public async Task Ids_no_resource_can_have_are_refused(string template)
    {
        var before = await Seed.SnapshotAsync(Admin);
        var path = Resolve(template).Replace("{long}", new string('z', 3000), StringComparison.Ordinal);

        var get = await Admin.GetAsync(path);
        var post = await Admin.PostAsync(path, new { });
        var delete = await Admin.DeleteAsync(path);

        foreach (var answered in new[] { get, post, delete })
        {
            answered.IsClientError();
        }
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Fact]
    public async Task A_path_id_is_refused_before_the_body_is_read()
    {
        var before = await Seed.SnapshotAsync(Admin);

        var answered = await Admin.SendRawAsync(HttpMethod.Patch, $"api/v1/groups/{new string('z', 200)}", "{\"description\": ");

        answered.IsProblem(HttpStatusCode.BadRequest, "Validation");
        Assert.Contains("id is not a valid id", answered.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Fact]
    public async Task Wrong_methods_and_media_types_are_refused()
    {
        var before = await Seed.SnapshotAsync(Admin);

        var put = await Admin.PutAsync("api/v1/groups", new { name = "x" });
        var delete = await Admin.DeleteAsync("api/v1/runs");
        var text = await Admin.SendRawAsync(HttpMethod.Post, "api/v1/groups", """{"name":"plain"}""", "text/plain");
        var form = await Admin.SendRawAsync(HttpMethod.Post, "api/v1/groups", "name=form", "application/x-www-form-urlencoded");
        var unknown = await Admin.GetAsync("api/v1/nothing-here");

        put.IsProblem(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        delete.IsProblem(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        text.IsProblem(HttpStatusCode.UnsupportedMediaType, "Validation");
        form.IsProblem(HttpStatusCode.UnsupportedMediaType, "Validation");
        unknown.IsProblem(HttpStatusCode.NotFound, "NotFound");
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Fact]
    public async Task Bad_agent_requests_are_refused_and_change_nothing()
    {
        var before = await Seed.SnapshotAsync(Admin);
        var agent = Seed.Member.Agent;

        var answers = new[]
        {
            await agent.SendRawAsync(HttpMethod.Post, "api/v1/agent/heartbeat", "{\"agentInstanceId\":"),
            await agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "a", fingerprint = Seed.Member.Fingerprint, sessions = new[] { new { user = "bad\u0000user" } } }),
            await agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "a", fingerprint = Seed.Member.Fingerprint, sessions = Array.Empty<object>(), status = "Asleep" }),
            await agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "", fingerprint = Seed.Member.Fingerprint }),
            await agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "a", fingerprint = Seed.Member.Fingerprint, sessions = Enumerable.Range(0, 1001).Select(i => new { user = $"u{i}" }).ToArray() }),
            await agent.PostAsync($"api/v1/agent/runs/{Seed.RunId}/start"),
            await agent.PostAsync($"api/v1/agent/runs/{Seed.RunId}/complete", new { status = "Succeeded" }),
            await agent.SendRawAsync(HttpMethod.Post, $"api/v1/agent/runs/{Seed.RunId}/complete", """{"status":"Done"}"""),
            await agent.PostAsync($"api/v1/agent/credentials/{Seed.CredentialId}/failure", new { reason = "" }),
            await agent.SendRawAsync(HttpMethod.Post, $"api/v1/agent/credentials/{Seed.CredentialId}/failure", """{"reason":5}"""),
            await agent.GetAsync("api/v1/agent/assignments?waitSeconds=600"),
            await agent.PostAsync("api/v1/agent/credentials/cred-does-not-exist/failure", new { reason = "Password expired" }),
        };

        Assert.All(answers, answered => answered.IsClientError());
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    private (HttpMethod Method, string Path) Endpoint(string endpoint)
    {
        var space = endpoint.IndexOf(' ', StringComparison.Ordinal);
        return (new HttpMethod(endpoint[..space]), Resolve(endpoint[(space + 1)..]));
    }

    private string Resolve(string text) => new StringBuilder(text)
        .Replace("{group}", Seed.GroupId)
        .Replace("{machine}", Seed.Member.Id)
        .Replace("{mapped}", Seed.Mapped.Id)
        .Replace("{credential}", Seed.CredentialId)
        .Replace("{mapping}", Seed.MappingId)
        .Replace("{connection}", Seed.ConnectionId)
        .Replace("{run}", Seed.RunId)
        .Replace("{user}", Seed.User.Id)
        .ToString();

    /// <summary>A body that would be valid for the endpoint, so only the missing id is wrong.</summary>
    private string? Body(string template) => template switch
    {
        _ when template.EndsWith("/password", StringComparison.Ordinal) => """{"newPassword":"another-long-password"}""",
        _ when template.EndsWith("/shares", StringComparison.Ordinal) => $$"""{"principalId":"{{Seed.User.Id}}","access":"User"}""",
        _ when template.EndsWith("/group", StringComparison.Ordinal) => $$"""{"groupId":"{{Seed.GroupId}}","password":"{{Grid.Password}}"}""",
        _ when template.Contains("/machines/{machine}", StringComparison.Ordinal) => $$"""{"credentialIds":["{{Seed.CredentialId}}"]}""",
        "api/v1/groups/{missing}" or "api/v1/machines/{missing}" => """{"description":"changed"}""",
        "api/v1/runs/{missing}" => """{"priority":"High"}""",
        _ => null,
    };
}
