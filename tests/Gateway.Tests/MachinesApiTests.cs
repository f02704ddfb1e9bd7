using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed partial class MachinesApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] MachineFields =
        ["id", "name", "status", "kind", "maxSessions", "groupId", "sessions", "lastHeartbeat", "agentVersion", "owner", "access"];

    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task Registration_returns_the_machine_key_once()
    {
        var owner = await Grid.PrincipalAsync("MachineOwner");
        var name = Grid.Unique("robot");

        var registered = (await owner.Api.PostAsync("api/v1/machines", new
        {
            name,
            description = "desk robot",
            kind = "Server",
            maxSessions = 4,
            agentVersion = "2.1.0",
            os = "Windows Server 2022",
            fingerprint = Grid.Unique("fp"),
        })).Is(HttpStatusCode.Created);
        var key = registered.Text("machineKey");
        var fetched = (await owner.Api.GetAsync($"api/v1/machines/{registered.Id}")).Is(HttpStatusCode.OK);
        var listed = (await owner.Api.GetAsync("api/v1/machines")).Is(HttpStatusCode.OK);

        registered.Json.HasProperties([.. MachineFields, "machineKey"]);
        Assert.Matches(MachineKey(), key);
        Assert.StartsWith($"mk.{registered.Id}.", key, StringComparison.Ordinal);
        var item = Assert.Single(listed.Items);
        foreach (var machine in new[] { registered.Json, fetched.Json, item })
        {
            machine.HasProperties(MachineFields);
            Assert.Equal(registered.Id, machine.GetProperty("id").GetString());
            Assert.Equal(name, machine.GetProperty("name").GetString());
            Assert.Equal("Offline", machine.GetProperty("status").GetString());
            Assert.Equal("Server", machine.GetProperty("kind").GetString());
            Assert.Equal(4, machine.GetProperty("maxSessions").GetInt32());
            Assert.Equal(JsonValueKind.Null, machine.GetProperty("groupId").ValueKind);
            Assert.Empty(machine.GetProperty("sessions").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, machine.GetProperty("lastHeartbeat").ValueKind);
            Assert.Equal("2.1.0", machine.GetProperty("agentVersion").GetString());
            Assert.Equal(owner.Id, machine.GetProperty("owner").GetProperty("id").GetString());
            Assert.Equal("Owner", machine.GetProperty("access").GetString());
        }
        Assert.False(fetched.Json.TryGetProperty("machineKey", out _));
        Assert.False(item.TryGetProperty("machineKey", out _));
        Assert.DoesNotContain(key, fetched.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_makers_owners_and_admins_register_machines()
    {
        var user = await Grid.PrincipalAsync("MachineUser");

        var refused = await user.Api.PostAsync("api/v1/machines", new { name = "m", kind = "Desktop", agentVersion = "1", os = "w", fingerprint = "f" });

        refused.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Empty((await user.Api.GetAsync("api/v1/machines")).Is(HttpStatusCode.OK).Items);
    }

    [Fact]
    public async Task A_heartbeat_brings_the_machine_online_with_its_sessions()
    {
        var machine = await Grid.MachineAsync(kind: "Server", maxSessions: 3);

        await Grid.HeartbeatAsync(machine, "alice", "bob");
        var fetched = (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Json;

        Assert.Equal("Online", fetched.GetProperty("status").GetString());
        Assert.True(fetched.GetProperty("lastHeartbeat").TryGetDateTimeOffset(out _));
        var sessions = fetched.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(["alice", "bob"], sessions.Select(s => s.GetProperty("user").GetString()));
    }

    [Fact]
    public async Task Patch_changes_description_maintenance_and_sessions()
    {
        var machine = await Grid.MachineAsync(kind: "Server", maxSessions: 2);

        var patched = (await Grid.Admin.PatchAsync($"api/v1/machines/{machine.Id}", new { description = "patched", maintenance = true, maxSessions = 5 })).Is(HttpStatusCode.OK);
        var fetched = (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK);

        foreach (var view in new[] { patched.Json, fetched.Json })
        {
            Assert.Equal("patched", view.GetProperty("description").GetString());
            Assert.Equal("Maintenance", view.GetProperty("status").GetString());
            Assert.Equal(5, view.GetProperty("maxSessions").GetInt32());
        }
    }

    [Fact]
    public async Task A_machine_joins_moves_between_and_leaves_groups()
    {
        var machine = await Grid.MachineAsync();
        var first = await Grid.GroupAsync();
        var second = await Grid.GroupAsync();

        await Grid.JoinAsync(machine, first);
        var inFirst = (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Json;
        await Grid.JoinAsync(machine, second);
        var inSecond = (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Json;
        var firstAfterMove = (await Grid.Admin.GetAsync($"api/v1/groups/{first}")).Is(HttpStatusCode.OK).Json;
        var secondAfterMove = (await Grid.Admin.GetAsync($"api/v1/groups/{second}")).Is(HttpStatusCode.OK).Json;
        (await Grid.Admin.DeleteAsync($"api/v1/machines/{machine.Id}/group")).Is(HttpStatusCode.NoContent);
        var left = (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Json;
        var secondAfterLeave = (await Grid.Admin.GetAsync($"api/v1/groups/{second}")).Is(HttpStatusCode.OK).Json;

        Assert.Equal(first, inFirst.GetProperty("groupId").GetString());
        Assert.Equal(second, inSecond.GetProperty("groupId").GetString());
        Assert.Equal(0, firstAfterMove.GetProperty("machineCount").GetInt32());
        Assert.Equal(1, secondAfterMove.GetProperty("machineCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, left.GetProperty("groupId").ValueKind);
        Assert.Equal(0, secondAfterLeave.GetProperty("machineCount").GetInt32());
    }

    [Fact]
    public async Task Joining_with_the_wrong_password_is_refused()
    {
        var groupId = await Grid.GroupAsync();
        await Grid.JoinAsync(await Grid.MachineAsync(), groupId);
        var machine = await Grid.MachineAsync();

        var refused = await Grid.Admin.PutAsync($"api/v1/machines/{machine.Id}/group", new { groupId, password = "not-the-password" });

        refused.IsProblem(HttpStatusCode.Forbidden, "WrongGroupPassword");
        var fetched = (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("groupId").ValueKind);
    }

    [Fact]
    public async Task A_full_group_refuses_another_machine()
    {
        await using var host = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["MachineGrid:Limits:MaxMachinesPerGroup"] = "2" });
        var grid = new Grid(host);
        var groupId = await grid.GroupAsync();
        await grid.JoinAsync(await grid.MachineAsync(), groupId);
        await grid.JoinAsync(await grid.MachineAsync(), groupId);
        var third = await grid.MachineAsync();

        var refused = await grid.Admin.PutAsync($"api/v1/machines/{third.Id}/group", new { groupId, password = Grid.Password });

        refused.IsProblem(HttpStatusCode.Conflict, "GroupFull");
        var group = (await grid.Admin.GetAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(2, group.GetProperty("machineCount").GetInt32());
    }

    [Fact]
    public async Task A_deleted_machine_is_gone()
    {
        var machine = await Grid.MachineAsync();

        (await Grid.Admin.DeleteAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.NoContent);

        (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).IsProblem(HttpStatusCode.NotFound, "NotFound");
        (await Grid.Admin.DeleteAsync($"api/v1/machines/{machine.Id}")).IsProblem(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task Sharing_a_machine_shows_it_to_the_principal_until_unshared()
    {
        var machine = await Grid.MachineAsync();
        var user = await Grid.PrincipalAsync("MachineUser");

        (await Grid.Admin.PostAsync($"api/v1/machines/{machine.Id}/shares", new { principalId = user.Id, access = "User" })).Is(HttpStatusCode.NoContent);
        var shared = (await user.Api.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Json;
        var listed = (await user.Api.GetAsync("api/v1/machines")).Is(HttpStatusCode.OK);
        var editByUser = await user.Api.PatchAsync($"api/v1/machines/{machine.Id}", new { description = "mine now" });
        (await Grid.Admin.DeleteAsync($"api/v1/machines/{machine.Id}/shares/{user.Id}")).Is(HttpStatusCode.NoContent);
        var unshared = await user.Api.GetAsync($"api/v1/machines/{machine.Id}");

        Assert.Equal("User", shared.GetProperty("access").GetString());
        Assert.Equal(machine.Id, Assert.Single(listed.Items).GetProperty("id").GetString());
        editByUser.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        unshared.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
    }

    [GeneratedRegex(@"^mk\.[^.]+\.[A-Za-z0-9_-]{43}$")]
    private static partial Regex MachineKey();
}
