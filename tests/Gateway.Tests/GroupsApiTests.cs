using System.Net;
using System.Text.Json;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class GroupsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_created_group_is_listed_with_its_counts_access_and_owner()
    {
        var maker = await Grid.PrincipalAsync("EnvironmentMaker");
        var name = Grid.Unique("finance");

        var created = (await maker.Api.PostAsync("api/v1/groups", new { name, description = "Finance robots" })).Is(HttpStatusCode.Created);
        var listed = (await maker.Api.GetAsync("api/v1/groups")).Is(HttpStatusCode.OK);
        var fetched = (await maker.Api.GetAsync($"api/v1/groups/{created.Id}")).Is(HttpStatusCode.OK);

        var item = Assert.Single(listed.Items);
        Assert.Equal(JsonValueKind.Null, listed.Json.GetProperty("next").ValueKind);
        foreach (var group in new[] { created.Json, item, fetched.Json })
        {
            group.HasProperties("id", "name", "description", "machineCount", "runningCount", "queuedCount", "access", "owner");
            Assert.Equal(created.Id, group.GetProperty("id").GetString());
            Assert.Equal(name, group.GetProperty("name").GetString());
            Assert.Equal("Finance robots", group.GetProperty("description").GetString());
            Assert.Equal(0, group.GetProperty("machineCount").GetInt32());
            Assert.Equal(0, group.GetProperty("runningCount").GetInt32());
            Assert.Equal(0, group.GetProperty("queuedCount").GetInt32());
            Assert.Equal("Owner", group.GetProperty("access").GetString());
            Assert.Equal(maker.Id, group.GetProperty("owner").GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Counts_follow_members_running_and_queued_runs_and_the_queue_lists_waiting_runs()
    {
        var online = await Grid.OnlineGroupAsync(machines: 1);
        var first = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        var second = (await Grid.SubmitAsync(online.ConnectionId, priority: "High")).Id;

        var group = (await Grid.Admin.GetAsync($"api/v1/groups/{online.GroupId}")).Is(HttpStatusCode.OK).Json;
        var queue = (await Grid.Admin.GetAsync($"api/v1/groups/{online.GroupId}/queue")).Is(HttpStatusCode.OK);

        Assert.Equal(1, group.GetProperty("machineCount").GetInt32());
        Assert.Equal(1, group.GetProperty("runningCount").GetInt32());
        Assert.Equal(1, group.GetProperty("queuedCount").GetInt32());
        var waiting = Assert.Single(queue.Items);
        waiting.HasProperties("runId", "priority", "position", "enqueuedAt", "waitReason");
        Assert.Equal(second, waiting.GetProperty("runId").GetString());
        Assert.NotEqual(first, second);
        Assert.Equal("High", waiting.GetProperty("priority").GetString());
        Assert.Equal(1, waiting.GetProperty("position").GetInt32());
        Assert.True(waiting.GetProperty("enqueuedAt").TryGetDateTimeOffset(out _));
        Assert.Contains("busy", waiting.GetProperty("waitReason").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Patch_changes_name_description_and_maintenance()
    {
        var groupId = await Grid.GroupAsync();
        var name = Grid.Unique("renamed");

        var patched = (await Grid.Admin.PatchAsync($"api/v1/groups/{groupId}", new { name, description = "new text", maintenance = true })).Is(HttpStatusCode.OK);
        var fetched = (await Grid.Admin.GetAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.OK);

        foreach (var group in new[] { patched.Json, fetched.Json })
        {
            Assert.Equal(name, group.GetProperty("name").GetString());
            Assert.Equal("new text", group.GetProperty("description").GetString());
            Assert.True(group.GetProperty("maintenance").GetBoolean());
        }
    }

    [Fact]
    public async Task Machines_of_a_group_are_listed()
    {
        var online = await Grid.OnlineGroupAsync(machines: 2);

        var machines = (await Grid.Admin.GetAsync($"api/v1/groups/{online.GroupId}/machines")).Is(HttpStatusCode.OK);

        Assert.Equal(online.Machines.Select(m => m.Id).Order(), machines.Items.Select(m => m.GetProperty("machineId").GetString()).Order());
        Assert.All(machines.Items, m => Assert.True(m.GetProperty("online").GetBoolean()));
    }

    [Fact]
    public async Task An_empty_group_is_deleted_and_a_group_with_machines_is_not()
    {
        var empty = await Grid.GroupAsync();
        var full = await Grid.GroupAsync();
        await Grid.JoinAsync(await Grid.MachineAsync(), full);

        (await Grid.Admin.DeleteAsync($"api/v1/groups/{empty}")).Is(HttpStatusCode.NoContent);
        var refused = await Grid.Admin.DeleteAsync($"api/v1/groups/{full}");

        refused.IsProblem(HttpStatusCode.Conflict, "GroupNotEmpty");
        (await Grid.Admin.GetAsync($"api/v1/groups/{empty}")).IsProblem(HttpStatusCode.NotFound, "NotFound");
        (await Grid.Admin.GetAsync($"api/v1/groups/{full}")).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_changed_password_is_needed_to_join()
    {
        var groupId = await Grid.GroupAsync();
        await Grid.JoinAsync(await Grid.MachineAsync(), groupId, password: "first-password");
        var machine = await Grid.MachineAsync();

        (await Grid.Admin.PutAsync($"api/v1/groups/{groupId}/password", new { newPassword = "second-password" })).Is(HttpStatusCode.NoContent);
        var old = await Grid.Admin.PutAsync($"api/v1/machines/{machine.Id}/group", new { groupId, password = "first-password" });
        var current = await Grid.Admin.PutAsync($"api/v1/machines/{machine.Id}/group", new { groupId, password = "second-password" });

        old.IsProblem(HttpStatusCode.Forbidden, "WrongGroupPassword");
        current.Is(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Sharing_a_group_shows_it_to_the_principal_with_that_access_until_unshared()
    {
        var groupId = await Grid.GroupAsync();
        var user = await Grid.PrincipalAsync("MachineUser");
        var coOwner = await Grid.PrincipalAsync("MachineOwner");

        (await user.Api.GetAsync($"api/v1/groups/{groupId}")).IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        (await Grid.Admin.PostAsync($"api/v1/groups/{groupId}/shares", new { principalId = user.Id, access = "User" })).Is(HttpStatusCode.NoContent);
        (await Grid.Admin.PostAsync($"api/v1/groups/{groupId}/shares", new { principalId = coOwner.Id, access = "CoOwner" })).Is(HttpStatusCode.NoContent);
        var asUser = (await user.Api.GetAsync("api/v1/groups")).Is(HttpStatusCode.OK);
        var asCoOwner = (await coOwner.Api.GetAsync("api/v1/groups")).Is(HttpStatusCode.OK);
        var renamedByCoOwner = await coOwner.Api.PatchAsync($"api/v1/groups/{groupId}", new { description = "co-owned" });
        var renamedByUser = await user.Api.PatchAsync($"api/v1/groups/{groupId}", new { description = "used" });
        (await Grid.Admin.DeleteAsync($"api/v1/groups/{groupId}/shares/{user.Id}")).Is(HttpStatusCode.NoContent);
        var after = await user.Api.GetAsync($"api/v1/groups/{groupId}");
        var listedAfter = (await user.Api.GetAsync("api/v1/groups")).Is(HttpStatusCode.OK);

        Assert.Equal("User", Assert.Single(asUser.Items).GetProperty("access").GetString());
        Assert.Equal("CoOwner", Assert.Single(asCoOwner.Items).GetProperty("access").GetString());
        renamedByCoOwner.Is(HttpStatusCode.OK);
        renamedByUser.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        after.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Empty(listedAfter.Items);
    }

    [Fact]
    public async Task A_group_the_caller_cannot_see_is_forbidden_and_one_that_does_not_exist_is_not_found()
    {
        var groupId = await Grid.GroupAsync();
        var stranger = await Grid.PrincipalAsync("MachineOwner");

        var hidden = await stranger.Api.GetAsync($"api/v1/groups/{groupId}");
        var deleted = await stranger.Api.DeleteAsync($"api/v1/groups/{groupId}");
        var missing = await Grid.Admin.GetAsync("api/v1/groups/g-does-not-exist");
        var missingQueue = await Grid.Admin.GetAsync("api/v1/groups/g-does-not-exist/queue");

        hidden.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        deleted.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        missing.IsProblem(HttpStatusCode.NotFound, "NotFound");
        missingQueue.IsProblem(HttpStatusCode.NotFound, "NotFound");
        (await Grid.Admin.GetAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.OK);
    }
}
