using MachineGrid.Agent;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>The client and the agent's machine loop against the real gateway: submit, assign, start, complete, await.</summary>
[Collection(LiveGatewayCollection.Name)]
public sealed class EndToEndTests(LiveGateway gateway)
{
    private static readonly TimeSpan RunWait = TimeSpan.FromSeconds(60);

    private static SimulatedMachineOptions FastMachines(FlowRunner flows) => new()
    {
        Fingerprint = "",
        Flows = flows,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        AssignmentWait = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Runs_submitted_through_the_client_are_run_by_simulated_machines_and_awaited()
    {
        var maker = await gateway.NewMakerAsync();
        var fleet = await gateway.NewFleetAsync(maker, machines: 3);
        var (credential, connection) = await LiveGateway.ConnectAsync(maker, fleet, "svc-e2e", "s3cret-e2e");
        var counters = new FleetCounters();
        var flows = new FlowRunner(TimeSpan.FromMilliseconds(20), [new FlowCommand("echo", """printf '{"user":"%s","inputs":%s}' "$MACHINEGRID_USERNAME" "$MACHINEGRID_INPUTS" """)]);
        using var stop = new CancellationTokenSource();
        var machines = fleet.RunAsync(FastMachines(flows), counters, stop.Token);
        try
        {
            var submitted = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => maker.SubmitRunAsync(new SubmitRunRequest(
                connection.Id, i == 0 ? "echo" : "wait", Inputs: System.Text.Json.JsonSerializer.SerializeToElement(i)))));
            var ended = await Task.WhenAll(submitted.Select(run => maker.WaitForRunAsync(run.Id, RunWait)));

            Assert.All(ended, run => Assert.Equal(RunStatus.Succeeded, run.Status));
            var machineIds = fleet.Machines.Select(m => m.Machine.Id).ToHashSet();
            Assert.All(ended, run => Assert.Contains(run.MachineId!, machineIds));
            Assert.All(ended, run => Assert.Equal(new RunCredential(credential.Name, "svc-e2e"), run.Credential));
            Assert.All(ended, run => Assert.Equal(1, run.Attempts));
            var echoed = ended[0].Outputs!.Value;
            Assert.Equal("svc-e2e", echoed.GetProperty("user").GetString());
            Assert.Equal(0, echoed.GetProperty("inputs").GetInt32());
            Assert.Equal(30, counters.Snapshot().Succeeded);
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(0, counters.Snapshot().Online);
        Assert.DoesNotContain(gateway.Logs, line => line.Contains("s3cret-e2e", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_flow_is_reported_failed_with_its_error()
    {
        var maker = await gateway.NewMakerAsync();
        var fleet = await gateway.NewFleetAsync(maker, machines: 1);
        var (credential, connection) = await LiveGateway.ConnectAsync(maker, fleet, "svc");
        var flows = new FlowRunner(TimeSpan.Zero, [new FlowCommand("broken", "echo disk full >&2; exit 2")]);
        using var stop = new CancellationTokenSource();
        var machines = fleet.RunAsync(FastMachines(flows), new FleetCounters(), stop.Token);
        try
        {
            var run = await maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "broken"));
            var ended = await maker.WaitForRunAsync(run.Id, RunWait);

            Assert.Equal(RunStatus.Failed, ended.Status);
            Assert.Equal("Exit code 2: disk full", ended.Error);
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Attended_runs_go_to_the_machine_where_their_user_is_signed_in()
    {
        var maker = await gateway.NewMakerAsync();
        var fleet = await gateway.NewFleetAsync(maker, machines: 2);
        var (credential, connection) = await LiveGateway.ConnectAsync(maker, fleet, "att-user");
        var (signedIn, fingerprint) = fleet.Machines[0];
        var (other, otherFingerprint) = fleet.Machines[1];
        var options = FastMachines(new FlowRunner(TimeSpan.FromMilliseconds(10)));
        using var stop = new CancellationTokenSource();
        var machines = Task.WhenAll(
            new SimulatedMachine(gateway.Agent(signedIn.MachineKey), options with { Fingerprint = fingerprint, SignedInUsers = ["att-user"] }).RunAsync(stop.Token),
            new SimulatedMachine(gateway.Agent(other.MachineKey), options with { Fingerprint = otherFingerprint }).RunAsync(stop.Token));
        try
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "attended", RunMode.Attended))));
            var ended = await Task.WhenAll(runs.Select(run => maker.WaitForRunAsync(run.Id, RunWait)));

            Assert.All(ended, run => Assert.Equal(RunStatus.Succeeded, run.Status));
            Assert.All(ended, run => Assert.Equal(signedIn.Id, run.MachineId));
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task A_server_runs_several_flows_at_once()
    {
        var maker = await gateway.NewMakerAsync();
        var fleet = await gateway.NewFleetAsync(maker, machines: 1, MachineKind.Server, maxSessions: 3);
        var credentials = new List<Credential>();
        for (var i = 0; i < 3; i++)
        {
            // A server signs each session in under a different account.
            credentials.Add(await maker.CreateCredentialAsync(new CreateCredentialRequest($"svc{i}-{fleet.Group.Name}", $"svc{i}", CredentialStore.Local, Secret: "pw")));
        }
        var mapping = await maker.CreateMappingAsync(new CreateMappingRequest("map-" + fleet.Group.Name, credentials[0].Id,
            [new MachineCredentials(fleet.Machines[0].Machine.Id, [.. credentials.Select(c => c.Id)])]));
        var connection = await maker.CreateConnectionAsync(new CreateConnectionRequest("to-" + fleet.Group.Name, ConnectionTarget.Group(fleet.Group.Id), MappingId: mapping.Id));
        var counters = new FleetCounters();
        using var stop = new CancellationTokenSource();
        var machines = fleet.RunAsync(FastMachines(new FlowRunner(TimeSpan.FromSeconds(2))) with { MaxConcurrentRuns = 3 }, counters, stop.Token);
        try
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "wait"))));
            await Eventually.True(() => counters.Snapshot().Running == 3, "three flows run at once on the server");
            var ended = await Task.WhenAll(runs.Select(run => maker.WaitForRunAsync(run.Id, RunWait)));

            Assert.All(ended, run => Assert.Equal(RunStatus.Succeeded, run.Status));
            Assert.Equal(3, ended.Select(run => run.Credential!.Username).Distinct().Count());
        }
        finally
        {
            await stop.CancelAsync();
            await machines.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task The_fleet_command_creates_the_group_by_name_registers_machines_reuses_their_keys_and_runs_flows()
    {
        var (maker, principal) = await gateway.NewUserAsync("fleet", EnvironmentRole.EnvironmentMaker);
        var keys = Path.Combine(Path.GetTempPath(), $"mg-fleet-{Guid.NewGuid():N}.keys");
        var groupName = "fleet-" + Guid.NewGuid().ToString("N")[..8];
        var parse = AgentCommand.Create().Parse([
            "--gateway", gateway.Address.ToString(), "--key", principal.ApiKey, "--machines", "3", "--machine-keys", keys,
            "--group", groupName, "--group-password", "fleet-password", "--flow-duration", "10ms", "--heartbeat-interval", "1s",
            "--wait-seconds", "5", "--no-progress"]);
        Assert.Empty(parse.Errors);
        var options = AgentCommand.Read(parse);
        try
        {
            var first = await FleetSetup.ProvisionAsync(options, gateway.Http, TextWriter.Null, CancellationToken.None);
            var again = await FleetSetup.ProvisionAsync(options, gateway.Http, TextWriter.Null, CancellationToken.None);

            Assert.Equal(3, first.Count);
            Assert.Equal(first, again);
            var groups = await maker.GetAllGroupsAsync().Where(g => g.Name == groupName).ToListAsync();
            var group = Assert.Single(groups);
            Assert.Equal(3, group.MachineCount);
            Assert.True(group.HasPassword);

            var credential = await maker.CreateCredentialAsync(new CreateCredentialRequest("svc-" + groupName, "svc", CredentialStore.Local, Secret: "pw"));
            var connection = await maker.CreateConnectionAsync(new CreateConnectionRequest("to-" + groupName, ConnectionTarget.Group(group.Id), CredentialId: credential.Id));
            var output = new StringWriter();
            using var stop = new CancellationTokenSource();
            var fleet = Fleet.RunAsync(options, TextWriter.Synchronized(output), TextWriter.Null, stop.Token);
            var runs = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "wait"))));
            var ended = await Task.WhenAll(runs.Select(run => maker.WaitForRunAsync(run.Id, RunWait)));
            await stop.CancelAsync();
            var exitCode = await fleet.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.All(ended, run => Assert.Equal(RunStatus.Succeeded, run.Status));
            Assert.Equal(0, exitCode);
            Assert.Contains("Reusing 3 machine key(s)", output.ToString());
            Assert.Contains("completed 12 (failed 0)", output.ToString());
        }
        finally
        {
            File.Delete(keys);
        }
    }
}
