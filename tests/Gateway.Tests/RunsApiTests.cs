using System.Net;
using System.Text.Json;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class RunsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] RunFields =
        ["id", "status", "statusReason", "machineId", "credential", "priority", "enqueuedAt", "assignedAt", "startedAt", "endedAt", "attempts", "outputs"];

    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_run_goes_from_queued_to_succeeded_with_the_machine_and_credential_it_used()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];
        var credentialName = (await Grid.Admin.GetAsync($"api/v1/credentials/{online.CredentialId}")).Is(HttpStatusCode.OK).Text("name");

        var submitted = await Grid.SubmitAsync(online.ConnectionId, inputs: new { invoice = 42 });
        var assignment = await Grid.TakeAsync(machine);
        await Eventually.True(async () => (await RunAsync(submitted.Id)).Text("status") == "Assigned", "the run is assigned");
        var assigned = await RunAsync(submitted.Id);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{submitted.Id}/start")).Is(HttpStatusCode.NoContent);
        var running = await RunAsync(submitted.Id);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{submitted.Id}/complete", new { status = "Succeeded", outputs = new { total = 99.5 } })).Is(HttpStatusCode.NoContent);
        var ended = await RunAsync(submitted.Id);

        submitted.Json.HasProperties(RunFields);
        Assert.Equal("Queued", submitted.Text("status"));
        Assert.Equal("Waiting", submitted.Text("statusReason"));
        Assert.Equal("Normal", submitted.Text("priority"));
        Assert.True(submitted.Json.GetProperty("enqueuedAt").TryGetDateTimeOffset(out _));
        Assert.Equal(submitted.Id, assignment.Text("runId"));
        Assert.Equal("Assigned", assigned.Text("status"));
        Assert.Equal(machine.Id, assigned.Text("machineId"));
        Assert.Equal(credentialName, assigned.Json.GetProperty("credential").GetProperty("name").GetString());
        Assert.Equal(online.Username, assigned.Json.GetProperty("credential").GetProperty("username").GetString());
        Assert.True(assigned.Json.GetProperty("assignedAt").TryGetDateTimeOffset(out _));
        Assert.Equal("Running", running.Text("status"));
        Assert.True(running.Json.GetProperty("startedAt").TryGetDateTimeOffset(out _));
        ended.Json.HasProperties(RunFields);
        Assert.Equal("Succeeded", ended.Text("status"));
        Assert.Equal("Completed", ended.Text("statusReason"));
        Assert.Equal(1, ended.Json.GetProperty("attempts").GetInt32());
        Assert.True(ended.Json.GetProperty("endedAt").TryGetDateTimeOffset(out _));
        Assert.Equal(99.5, ended.Json.GetProperty("outputs").GetProperty("total").GetDouble());
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_run()
    {
        var online = await Grid.OnlineGroupAsync();
        var key = Grid.Unique("order");

        var first = await Grid.SubmitAsync(online.ConnectionId, idempotencyKey: key);
        var again = await Grid.SubmitAsync(online.ConnectionId, idempotencyKey: key);
        var other = await Grid.SubmitAsync(online.ConnectionId, idempotencyKey: Grid.Unique("order"));
        var listed = (await Grid.Admin.GetAsync($"api/v1/runs?groupId={online.GroupId}")).Is(HttpStatusCode.OK);

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(new[] { first.Id, other.Id }.Order(), listed.Items.Select(r => r.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public async Task The_queue_orders_by_priority_and_follows_reprioritizing_and_move_to_top()
    {
        var online = await Grid.OnlineGroupAsync();
        (await Grid.Admin.PatchAsync($"api/v1/groups/{online.GroupId}", new { maintenance = true })).Is(HttpStatusCode.OK);
        var low = (await Grid.SubmitAsync(online.ConnectionId, priority: "Low")).Id;
        var normal = (await Grid.SubmitAsync(online.ConnectionId, priority: "Normal")).Id;
        var high = (await Grid.SubmitAsync(online.ConnectionId, priority: "High")).Id;

        var initial = await QueueAsync(online.GroupId);
        var patched = (await Grid.Admin.PatchAsync($"api/v1/runs/{low}", new { priority = "High" })).Is(HttpStatusCode.OK);
        var afterPatch = await QueueAsync(online.GroupId);
        var moved = (await Grid.Admin.PostAsync($"api/v1/runs/{normal}/move-to-top")).Is(HttpStatusCode.OK);
        var afterMove = await QueueAsync(online.GroupId);
        var queue = (await Grid.Admin.GetAsync($"api/v1/groups/{online.GroupId}/queue")).Is(HttpStatusCode.OK);

        Assert.Equal([high, normal, low], initial);
        Assert.Equal("High", patched.Text("priority"));
        // A raised run keeps its submission order among the runs of its new priority.
        Assert.Equal([low, high, normal], afterPatch);
        Assert.Equal(normal, moved.Id);
        Assert.Equal([normal, low, high], afterMove);
        Assert.Equal([1, 2, 3], queue.Items.Select(q => q.GetProperty("position").GetInt32()));
        Assert.All(queue.Items, q => Assert.Contains("maintenance", q.GetProperty("waitReason").GetString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_cancelled_run_is_cancelled_once()
    {
        var groupId = await Grid.GroupAsync();
        var connectionId = await Grid.GroupConnectionAsync(groupId, await Grid.CredentialAsync());
        var runId = (await Grid.SubmitAsync(connectionId)).Id;

        var cancelled = (await Grid.Admin.PostAsync($"api/v1/runs/{runId}/cancel")).Is(HttpStatusCode.OK);
        var again = await Grid.Admin.PostAsync($"api/v1/runs/{runId}/cancel");
        var queue = (await Grid.Admin.GetAsync($"api/v1/groups/{groupId}/queue")).Is(HttpStatusCode.OK);

        Assert.Equal("Cancelled", cancelled.Text("status"));
        Assert.Equal("CancelledByUser", cancelled.Text("statusReason"));
        again.IsProblem(HttpStatusCode.Conflict, "InvalidState");
        Assert.Empty(queue.Items);
    }

    [Fact]
    public async Task Runs_are_listed_by_group_machine_and_status()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];
        var assignedRun = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        var queuedRun = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        await Eventually.True(async () => (await RunAsync(assignedRun)).Text("status") == "Assigned", "the first run is assigned");

        var byGroup = (await Grid.Admin.GetAsync($"api/v1/runs?groupId={online.GroupId}")).Is(HttpStatusCode.OK);
        var byMachine = (await Grid.Admin.GetAsync($"api/v1/runs?machineId={machine.Id}")).Is(HttpStatusCode.OK);
        var queued = (await Grid.Admin.GetAsync($"api/v1/runs?groupId={online.GroupId}&status=Queued")).Is(HttpStatusCode.OK);
        var paged = (await Grid.Admin.GetAsync($"api/v1/runs?groupId={online.GroupId}&limit=1")).Is(HttpStatusCode.OK);

        Assert.Equal(new[] { assignedRun, queuedRun }.Order(), byGroup.Items.Select(r => r.GetProperty("id").GetString()).Order());
        Assert.Equal([assignedRun], byMachine.Items.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal([queuedRun], queued.Items.Select(r => r.GetProperty("id").GetString()));
        Assert.Single(paged.Items);
        Assert.Equal(JsonValueKind.String, paged.Json.GetProperty("next").ValueKind);
        Assert.All(byGroup.Items, r => r.HasProperties(RunFields));
    }

    [Fact]
    public async Task A_principal_without_access_to_its_group_neither_sees_nor_cancels_a_run()
    {
        var groupId = await Grid.GroupAsync();
        var connectionId = await Grid.GroupConnectionAsync(groupId, await Grid.CredentialAsync());
        var runId = (await Grid.SubmitAsync(connectionId)).Id;
        var stranger = await Grid.PrincipalAsync("MachineUser");

        var read = await stranger.Api.GetAsync($"api/v1/runs/{runId}");
        var cancel = await stranger.Api.PostAsync($"api/v1/runs/{runId}/cancel");
        var missing = await Grid.Admin.GetAsync("api/v1/runs/r-missing");

        read.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        cancel.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        missing.IsProblem(HttpStatusCode.NotFound, "NotFound");
        Assert.Equal("Queued", (await RunAsync(runId)).Text("status"));
    }

    private async Task<ApiResponse> RunAsync(string runId) => (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK);

    private async Task<string[]> QueueAsync(string groupId) =>
        [.. (await Grid.Admin.GetAsync($"api/v1/groups/{groupId}/queue")).Is(HttpStatusCode.OK).Items.Select(q => q.GetProperty("runId").GetString()!)];
}
