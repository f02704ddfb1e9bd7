using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed partial class PrincipalsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task Creating_a_principal_returns_its_key_once_and_the_key_signs_in()
    {
        var name = Grid.Unique("alice");

        var created = (await Grid.Admin.PostAsync("api/v1/principals", new { name, roles = new[] { "MachineUser", "MachineUserCanShare" } })).Is(HttpStatusCode.Created);
        var key = created.Text("apiKey");
        var me = (await Grid.As(key).GetAsync("api/v1/me")).Is(HttpStatusCode.OK);

        created.Json.HasProperties("id", "name", "roles", "apiKey");
        Assert.Equal(name, created.Text("name"));
        Assert.Equal(["MachineUser", "MachineUserCanShare"], created.Json.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Matches(UserKey(), key);
        me.Json.HasProperties("id", "name", "roles");
        Assert.Equal(created.Id, me.Id);
        Assert.Equal(name, me.Text("name"));
        Assert.False(me.Json.TryGetProperty("apiKey", out _), me.Body);
        Assert.DoesNotContain(key, me.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_answers_for_the_bootstrap_admin()
    {
        var me = (await Grid.Admin.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);

        Assert.Equal("p-admin", me.Id);
        Assert.Equal(["EnvironmentAdmin"], me.Json.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Only_environment_admins_create_principals()
    {
        var maker = await Grid.PrincipalAsync("EnvironmentMaker", "MachineOwner");

        var refused = await maker.Api.PostAsync("api/v1/principals", new { name = Grid.Unique("bob"), roles = new[] { "EnvironmentAdmin" } });

        refused.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
    }

    [Theory]
    [InlineData("""{"name":"x","roles":["Superuser"]}""")]
    [InlineData("""{"name":"x","roles":["None"]}""")]
    [InlineData("""{"name":"x","roles":[64]}""")]
    [InlineData("""{"name":"x"}""")]
    [InlineData("""{"roles":["MachineUser"]}""")]
    [InlineData("""{"name":"  ","roles":["MachineUser"]}""")]
    public async Task A_principal_with_unknown_roles_or_no_name_is_refused(string body)
    {
        var refused = await Grid.Admin.SendRawAsync(HttpMethod.Post, "api/v1/principals", body);

        refused.IsProblem(HttpStatusCode.BadRequest, "Validation");
    }

    [GeneratedRegex("^mgk_[A-Za-z0-9_-]{43}$")]
    private static partial Regex UserKey();
}
