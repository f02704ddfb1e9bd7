using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// Enum values in requests are taken only as the exact names API.md spells (case-sensitive): no whitespace, other casing,
/// numbers, numeric strings or comma-combined flags. Anything else is a 400 <c>Validation</c> problem naming the field and
/// the value, and changes nothing. Responses keep writing enums as their names.
/// </summary>
public sealed class StrictEnumTests(SeededGatewayFixture fixture) : IClassFixture<SeededGatewayFixture>
{
    /// <summary>Every enum-bearing request field: where it is sent, the body with <c>{v}</c> for the JSON value, and two valid names.</summary>
    private static readonly Dictionary<string, (string Endpoint, string Body, string Valid, string Other)> Fields = new()
    {
        ["principal roles"] = ("POST api/v1/principals", """{"name":"strict-enum","roles":[{v}]}""", "MachineUser", "MachineOwner"),
        ["group share access"] = ("POST api/v1/groups/{group}/shares", """{"principalId":"{user}","access":{v}}""", "User", "CoOwner"),
        ["machine share access"] = ("POST api/v1/machines/{mapped}/shares", """{"principalId":"{user}","access":{v}}""", "User", "CoOwner"),
        ["credential share access"] = ("POST api/v1/credentials/{credential}/shares", """{"principalId":"{user}","access":{v}}""", "User", "UserShare"),
        ["mapping share access"] = ("POST api/v1/mappings/{mapping}/shares", """{"principalId":"{user}","access":{v}}""", "User", "UserShare"),
        ["machine kind"] = ("POST api/v1/machines", """{"name":"strict-enum","kind":{v},"agentVersion":"1","os":"w","fingerprint":"strict-enum"}""", "Desktop", "Server"),
        ["credential store"] = ("POST api/v1/credentials", """{"name":"strict-enum","username":"u","store":{v},"secret":"s","usableInConnections":true}""", "Local", "CyberArk"),
        ["run mode"] = ("POST api/v1/runs", """{"connectionId":"{connection}","flowId":"strict-enum","runMode":{v}}""", "Unattended", "Attended"),
        ["run priority"] = ("POST api/v1/runs", """{"connectionId":"{connection}","flowId":"strict-enum","runMode":"Unattended","priority":{v}}""", "High", "Low"),
        ["reprioritize"] = ("PATCH api/v1/runs/{run}", """{"priority":{v}}""", "High", "Low"),
        ["heartbeat status"] = ("AGENT POST api/v1/agent/heartbeat", """{"agentInstanceId":"strict-enum","fingerprint":"{fingerprint}","sessions":[],"status":{v}}""", "Online", "Maintenance"),
        ["completion status"] = ("AGENT POST api/v1/agent/runs/{run}/complete", """{"status":{v}}""", "Succeeded", "Failed"),
        ["run list status"] = ("GET api/v1/runs?status={v}", "", "Queued", "Running"),
    };

    private SeededStore Seed => fixture.Seed;

    private ApiClient Admin => fixture.Admin;

    public static TheoryData<string> EnumFields() => [.. Fields.Keys];

    /// <summary>Strings close to a valid name that the lenient converter took, and non-strings.</summary>
    private static IEnumerable<(string Label, JsonElement? Value)> BadValues(string valid, string other) =>
    [
        ("leading space", Str(" " + valid)),
        ("trailing space", Str(valid + " ")),
        ("tab", Str("\t" + valid)),
        ("lower case", Str(valid.ToLowerInvariant())),
        ("upper case", Str(valid.ToUpperInvariant())),
        ("camel case", Str(char.ToLowerInvariant(valid[0]) + valid[1..])),
        ("numeric string", Str("1")),
        ("zero string", Str("0")),
        ("negative numeric string", Str("-1")),
        ("comma-combined", Str($"{valid},{other}")),
        ("comma-space-combined", Str($"{valid}, {other}")),
        ("empty", Str("")),
        ("integer", JsonSerializer.SerializeToElement(1)),
        ("zero", JsonSerializer.SerializeToElement(0)),
        ("boolean", JsonSerializer.SerializeToElement(true)),
        ("object", JsonSerializer.SerializeToElement(new { name = valid })),
    ];

    [Theory]
    [MemberData(nameof(EnumFields))]
    public async Task Only_the_exact_documented_name_is_accepted(string field)
    {
        var (endpoint, body, valid, other) = Fields[field];
        var before = await Seed.SnapshotAsync(Admin);
        var wrong = new List<string>();

        foreach (var (label, value) in BadValues(valid, other))
        {
            if (endpoint.StartsWith("GET ", StringComparison.Ordinal) && (value is not { ValueKind: JsonValueKind.String } || label == "empty"))
            {
                continue; // A query string holds only text, and an empty filter (?status=) is no filter.
            }
            var answered = await SendAsync(endpoint, body, value!.Value);
            if (answered.Status != HttpStatusCode.BadRequest || answered.Code != "Validation")
            {
                wrong.Add($"{label} {value.Value.GetRawText()}: {answered}");
            }
        }

        Assert.True(wrong.Count == 0, $"{field}: values that were not refused as 400 Validation:\n{string.Join('\n', wrong)}");
        Assert.Equal(before, await Seed.SnapshotAsync(Admin));
    }

    [Theory]
    [InlineData("machine kind", " Desktop", "kind")]
    [InlineData("run mode", "Attended,Unattended", "runMode")]
    [InlineData("run priority", "1", "priority")]
    [InlineData("principal roles", "machineUser", "roles")]
    [InlineData("completion status", "succeeded", "status")]
    [InlineData("run list status", "queued", "status")]
    public async Task The_problem_names_the_field_the_value_and_the_accepted_names(string field, string value, string name)
    {
        var (endpoint, body, valid, other) = Fields[field];

        var answered = (await SendAsync(endpoint, body, Str(value))).IsProblem(HttpStatusCode.BadRequest, "Validation");

        var detail = answered.Text("detail");
        Assert.Contains(name, detail, StringComparison.Ordinal);
        Assert.Contains($"\"{value}\"", detail, StringComparison.Ordinal);
        Assert.Contains(valid, detail, StringComparison.Ordinal);
        Assert.Contains(other, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_bad_value_is_cut_short_in_the_detail()
    {
        var value = "Desktop" + new string('x', 5000);

        var answered = (await SendAsync(Fields["machine kind"].Endpoint, Fields["machine kind"].Body, Str(value))).IsProblem(HttpStatusCode.BadRequest, "Validation");

        Assert.True(answered.Text("detail").Length < 500, answered.ToString());
    }

    [Fact]
    public async Task Responses_still_write_enums_as_their_names()
    {
        var run = (await Admin.GetAsync($"api/v1/runs/{Seed.RunId}")).Is(HttpStatusCode.OK);
        var machine = (await Admin.GetAsync($"api/v1/machines/{Seed.Member.Id}")).Is(HttpStatusCode.OK);
        var credential = (await Admin.GetAsync($"api/v1/credentials/{Seed.CredentialId}")).Is(HttpStatusCode.OK);
        var me = (await Admin.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
        var queued = (await Admin.GetAsync("api/v1/runs?status=Queued")).Is(HttpStatusCode.OK);
        var unfiltered = (await Admin.GetAsync("api/v1/runs?status=")).Is(HttpStatusCode.OK);

        Assert.Equal("Queued", run.Text("status"));
        Assert.Equal("Unattended", run.Text("runMode"));
        Assert.Equal("Normal", run.Text("priority"));
        Assert.Equal("Desktop", machine.Text("kind"));
        Assert.Equal("Offline", machine.Text("status"));
        Assert.Equal("Owner", machine.Text("access"));
        Assert.Equal("Local", credential.Text("store"));
        Assert.Equal(["EnvironmentAdmin"], me.Json.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(queued.Items, item => item.GetProperty("id").GetString() == Seed.RunId);
        Assert.Contains(unfiltered.Items, item => item.GetProperty("id").GetString() == Seed.RunId);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_accepted_names()
    {
        var document = (await Admin.GetAsync("openapi/v1.json")).Is(HttpStatusCode.OK).Json;
        var schemas = document.GetProperty("components").GetProperty("schemas");
        string[] Names(JsonElement schema) => [.. schema.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];

        Assert.Equal(["Desktop", "Server"], Names(schemas.GetProperty("MachineKind")));
        Assert.Equal("string", schemas.GetProperty("MachineKind").GetProperty("type").GetString());
        Assert.Equal(["Succeeded", "Failed"], Names(schemas.GetProperty("RunOutcome")));
        Assert.Equal(
            ["EnvironmentAdmin", "EnvironmentMaker", "MachineOwner", "MachineUser", "MachineUserCanShare"],
            Names(schemas.GetProperty("CreatePrincipalRequest").GetProperty("properties").GetProperty("roles").GetProperty("items")));
        var status = document.GetProperty("paths").GetProperty("/api/v1/runs").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "status");
        Assert.Equal(["Queued", "Assigned", "Running", "Succeeded", "Failed", "Cancelled", "TimedOut"], Names(status.GetProperty("schema")));
    }

    private static JsonElement Str(string value) => JsonSerializer.SerializeToElement(value);

    private Task<ApiResponse> SendAsync(string endpoint, string body, JsonElement value)
    {
        var client = Admin;
        if (endpoint.StartsWith("AGENT ", StringComparison.Ordinal))
        {
            client = Seed.Member.Agent;
            endpoint = endpoint["AGENT ".Length..];
        }
        var space = endpoint.IndexOf(' ', StringComparison.Ordinal);
        var method = new HttpMethod(endpoint[..space]);
        var path = Resolve(endpoint[(space + 1)..]);
        if (method == HttpMethod.Get)
        {
            return client.GetAsync(path.Replace("{v}", Uri.EscapeDataString(value.GetString()!), StringComparison.Ordinal));
        }
        return client.SendRawAsync(method, path, Resolve(body).Replace("{v}", value.GetRawText(), StringComparison.Ordinal));
    }

    private string Resolve(string text) => new StringBuilder(text)
        .Replace("{group}", Seed.GroupId)
        .Replace("{mapped}", Seed.Mapped.Id)
        .Replace("{credential}", Seed.CredentialId)
        .Replace("{mapping}", Seed.MappingId)
        .Replace("{connection}", Seed.ConnectionId)
        .Replace("{run}", Seed.RunId)
        .Replace("{user}", Seed.User.Id)
        .Replace("{fingerprint}", Seed.Member.Fingerprint)
        .ToString();
}
