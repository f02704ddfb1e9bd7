using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MachineGrid.Grains;
using MachineGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class AgentApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_heartbeat_answers_with_the_machine()
    {
        var machine = await Grid.MachineAsync();

        var answered = await Grid.HeartbeatAsync(machine, "svc-robot");

        Assert.Equal(machine.Id, answered.Id);
        Assert.Equal("Online", answered.Text("status"));
        Assert.Equal("svc-robot", answered.Json.GetProperty("sessions")[0].GetProperty("user").GetString());
    }

    [Fact]
    public async Task A_heartbeat_can_put_the_machine_in_maintenance()
    {
        var machine = await Grid.MachineAsync();

        var answered = (await machine.Agent.PostAsync("api/v1/agent/heartbeat", new
        {
            agentInstanceId = machine.AgentInstanceId,
            fingerprint = machine.Fingerprint,
            sessions = Array.Empty<object>(),
            status = "Maintenance",
        })).Is(HttpStatusCode.OK);

        Assert.Equal("Maintenance", answered.Text("status"));
        Assert.Equal("Maintenance", (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Text("status"));
    }

    [Fact]
    public async Task A_heartbeat_with_another_fingerprint_is_an_identity_conflict()
    {
        var machine = await Grid.MachineAsync();

        var refused = await machine.Agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "cloned", fingerprint = "someone else", sessions = Array.Empty<object>() });

        refused.IsProblem(HttpStatusCode.Conflict, "MachineIdentityConflict");
        Assert.Equal("Offline", (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Text("status"));
    }

    [Fact]
    public async Task A_heartbeat_with_only_sessions_brings_the_machine_online_and_it_is_given_a_run()
    {
        var groupId = await Grid.GroupAsync();
        var machine = await Grid.MachineAsync();
        await Grid.JoinAsync(machine, groupId);
        var connectionId = await Grid.GroupConnectionAsync(groupId, await Grid.CredentialAsync());

        var answered = (await machine.Agent.PostAsync("api/v1/agent/heartbeat", new { sessions = Array.Empty<object>() })).Is(HttpStatusCode.OK);
        var runId = (await Grid.SubmitAsync(connectionId)).Id;
        var assignment = await Grid.TakeAsync(machine);

        Assert.Equal("Online", answered.Text("status"));
        Assert.Equal("Online", (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Text("status"));
        Assert.Equal(runId, assignment.Text("runId"));
    }

    [Fact]
    public async Task A_second_agent_that_sends_another_instance_id_is_refused_while_the_first_is_live()
    {
        var machine = await Grid.MachineAsync();
        await Grid.HeartbeatAsync(machine);

        var clone = await machine.Agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "cloned-vm", fingerprint = machine.Fingerprint, sessions = Array.Empty<object>() });
        var original = await machine.Agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = machine.AgentInstanceId, fingerprint = machine.Fingerprint, sessions = Array.Empty<object>() });

        clone.IsProblem(HttpStatusCode.Conflict, "MachineIdentityConflict");
        original.Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_heartbeat_with_only_a_wrong_fingerprint_is_still_an_identity_conflict()
    {
        var machine = await Grid.MachineAsync();

        var refused = await machine.Agent.PostAsync("api/v1/agent/heartbeat", new { fingerprint = "someone else", sessions = Array.Empty<object>() });

        refused.IsProblem(HttpStatusCode.Conflict, "MachineIdentityConflict");
        Assert.Equal("Offline", (await Grid.Admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK).Text("status"));
    }

    [Fact]
    public async Task With_nothing_to_do_the_long_poll_answers_no_content_after_the_wait()
    {
        var online = await Grid.OnlineGroupAsync();
        var clock = Stopwatch.StartNew();

        var answered = await online.Machines[0].Agent.GetAsync("api/v1/agent/assignments?waitSeconds=1");

        answered.Is(HttpStatusCode.NoContent);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_waiting_long_poll_wakes_with_the_assignment_and_its_secret()
    {
        var secret = "pw-" + Guid.NewGuid().ToString("N");
        var online = await Grid.OnlineGroupAsync(secret: secret);
        var machine = online.Machines[0];
        var clock = Stopwatch.StartNew();

        var polling = machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=30");
        await Task.Delay(300);
        var runId = (await Grid.SubmitAsync(online.ConnectionId, inputs: new { customer = "Contoso", lines = new[] { 1, 2 } })).Id;
        var assignment = (await polling).Is(HttpStatusCode.OK);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"The long poll answered after {clock.Elapsed}.");
        assignment.Json.HasProperties("runId", "flowId", "inputs", "runMode", "credential", "runDeadline");
        Assert.Equal(runId, assignment.Text("runId"));
        Assert.Equal("invoice-flow", assignment.Text("flowId"));
        Assert.Equal("Contoso", assignment.Json.GetProperty("inputs").GetProperty("customer").GetString());
        Assert.Equal("Unattended", assignment.Text("runMode"));
        Assert.Equal(online.Username, assignment.Json.GetProperty("credential").GetProperty("username").GetString());
        Assert.Equal(secret, assignment.Json.GetProperty("credential").GetProperty("secret").GetString());
        Assert.True(assignment.Json.GetProperty("runDeadline").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task After_the_machine_took_its_only_run_the_next_long_poll_waits_and_wakes_with_the_next_run()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];
        var first = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        Assert.Equal(first, (await Grid.TakeAsync(machine)).Text("runId"));
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{first}/start")).Is(HttpStatusCode.NoContent);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{first}/complete", new { status = "Succeeded" })).Is(HttpStatusCode.NoContent);

        var nothing = await machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=0");
        var polling = machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=30");
        await Task.Delay(300);
        var second = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        var woken = (await polling).Is(HttpStatusCode.OK);

        nothing.Is(HttpStatusCode.NoContent);
        Assert.Equal(second, woken.Text("runId"));
    }

    [Fact]
    public async Task A_failed_flow_ends_the_run_failed_with_its_error()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];
        var runId = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        await Grid.TakeAsync(machine);

        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/start")).Is(HttpStatusCode.NoContent);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/complete", new { status = "Failed", error = "The invoice screen did not open." })).Is(HttpStatusCode.NoContent);
        var run = (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK);

        Assert.Equal("Failed", run.Text("status"));
        Assert.Equal("FlowFailed", run.Text("statusReason"));
        Assert.Equal("The invoice screen did not open.", run.Text("error"));
    }

    [Fact]
    public async Task A_machine_cannot_start_or_complete_a_run_it_was_not_given()
    {
        var online = await Grid.OnlineGroupAsync(machines: 2);
        var runId = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        await Eventually.True(async () => (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Text("status") == "Assigned", "the run is assigned");
        var holder = (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Text("machineId");
        var other = online.Machines.Single(m => m.Id != holder);

        var start = await other.Agent.PostAsync($"api/v1/agent/runs/{runId}/start");
        var complete = await other.Agent.PostAsync($"api/v1/agent/runs/{runId}/complete", new { status = "Succeeded" });
        var unknown = await other.Agent.PostAsync("api/v1/agent/runs/r-unknown/start");

        start.IsProblem(HttpStatusCode.Conflict, "InvalidState");
        complete.IsProblem(HttpStatusCode.Conflict, "InvalidState");
        unknown.IsProblem(HttpStatusCode.Conflict, "InvalidState");
        Assert.Equal("Assigned", (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Text("status"));
    }

    [Fact]
    public async Task A_credential_failure_is_recorded_and_takes_the_machine_out_of_the_running()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];

        (await machine.Agent.PostAsync($"api/v1/agent/credentials/{online.CredentialId}/failure", new { reason = "Password expired" })).Is(HttpStatusCode.NoContent);
        var runId = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        var credential = (await Grid.Admin.GetAsync($"api/v1/credentials/{online.CredentialId}")).Is(HttpStatusCode.OK);
        var queue = (await Grid.Admin.GetAsync($"api/v1/groups/{online.GroupId}/queue")).Is(HttpStatusCode.OK);
        var poll = await machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=0");

        var failure = Assert.Single(credential.Json.GetProperty("failures").EnumerateArray());
        Assert.Equal(machine.Id, failure.GetProperty("machineId").GetString());
        Assert.Equal("Password expired", failure.GetProperty("reason").GetString());
        var waiting = Assert.Single(queue.Items);
        Assert.Equal(runId, waiting.GetProperty("runId").GetString());
        Assert.Contains("failed", waiting.GetProperty("waitReason").GetString(), StringComparison.OrdinalIgnoreCase);
        poll.Is(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_failure_of_a_credential_that_does_not_exist_is_not_found_and_not_recorded()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];

        var refused = await machine.Agent.PostAsync("api/v1/agent/credentials/cred-never-made/failure", new { reason = "Password expired" });
        var members = (await Grid.Admin.GetAsync($"api/v1/groups/{online.GroupId}/machines")).Is(HttpStatusCode.OK);

        refused.IsProblem(HttpStatusCode.NotFound, "NotFound");
        Assert.Empty(Assert.Single(members.Items).GetProperty("failedCredentials").EnumerateArray());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("61")]
    [InlineData("soon")]
    [InlineData("99999999999")]
    public async Task A_wait_outside_0_to_60_seconds_is_refused(string wait)
    {
        var machine = await Grid.MachineAsync();

        var refused = await machine.Agent.GetAsync($"api/v1/agent/assignments?waitSeconds={wait}");

        refused.IsProblem(HttpStatusCode.BadRequest, "Validation");
    }

    [Fact]
    public async Task Completing_with_an_unknown_status_is_refused()
    {
        var online = await Grid.OnlineGroupAsync();
        var machine = online.Machines[0];
        var runId = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        await Grid.TakeAsync(machine);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/start")).Is(HttpStatusCode.NoContent);

        var refused = await machine.Agent.SendRawAsync(HttpMethod.Post, $"api/v1/agent/runs/{runId}/complete", """{"status":"Exploded"}""");
        var numeric = await machine.Agent.SendRawAsync(HttpMethod.Post, $"api/v1/agent/runs/{runId}/complete", """{"status":7}""");

        refused.IsProblem(HttpStatusCode.BadRequest, "Validation");
        numeric.IsProblem(HttpStatusCode.BadRequest, "Validation");
        var run = (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("Running", run.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("endedAt").ValueKind);
    }

    [Fact]
    public async Task A_run_its_group_holds_without_a_record_is_dropped_and_the_long_poll_goes_on_to_the_next_run()
    {
        var online = await Grid.OnlineGroupAsync();
        var grains = fixture.Host.Services.GetRequiredService<IGrainFactory>();
        var group = grains.GetGrain<IMachineGroupGrain>(online.GroupId);
        var credential = await grains.GetGrain<ICredentialGrain>(online.CredentialId).OptionForConnections();
        var now = DateTimeOffset.UtcNow;
        // What a silo that died between storing a submission's group row and the run's own record leaves behind.
        var lost = new QueuedRun(Ids.New("r"), "lost-flow", RunMode.Unattended, RunPriority.High, now, now.AddHours(1), TimeSpan.FromHours(1),
            new CredentialPlan(online.CredentialId, credential, new Dictionary<string, IReadOnlyList<CredentialOption>>()), 1);
        await group.Enqueue(lost);
        Assert.Equal([lost.RunId], (await group.RunsOn(online.Machines[0].Id)).Select(r => r.Assignment.RunId));

        var runId = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        var assignment = await Grid.TakeAsync(online.Machines[0]);

        Assert.Equal(runId, assignment.Text("runId"));
        Assert.Equal([runId], (await group.RunsOn(online.Machines[0].Id)).Select(r => r.Assignment.RunId));
        (await Grid.Admin.GetAsync($"api/v1/runs/{lost.RunId}")).IsProblem(HttpStatusCode.NotFound, "NotFound");
    }
}
