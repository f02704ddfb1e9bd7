using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MachineGrid.Agent;
using MachineGrid.Client;
using Xunit;
using Xunit.Abstractions;

namespace MachineGrid.Gateway.Tests;

/// <summary>The gateway with the real agent: simulated machines from src/Agent take runs over HTTP and run them.</summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const int Runs = 500;
    private const int MachinesPerGroup = 6;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Five_hundred_runs_across_two_groups_succeed_each_with_the_credential_the_mapping_gives_its_machine()
    {
        await using var host = await GatewayHost.StartAsync();
        var grid = new Grid(host);
        string[] groups = [await grid.GroupAsync(), await grid.GroupAsync()];
        var machines = new List<(Machine Machine, string GroupId)>();
        foreach (var groupId in groups)
        {
            for (var i = 0; i < MachinesPerGroup; i++)
            {
                var machine = await grid.MachineAsync();
                await grid.JoinAsync(machine, groupId);
                machines.Add((machine, groupId));
            }
        }

        // Every machine of the first group and every other machine of the second has its own credential; the rest sign in
        // with the mapping's default.
        var defaultUser = Grid.Unique("svc-default");
        var defaultCredential = await grid.CredentialAsync(username: defaultUser);
        var expectedUser = new Dictionary<string, string>();
        var mapped = new List<object>();
        for (var i = 0; i < machines.Count; i++)
        {
            var (machine, groupId) = machines[i];
            if (groupId == groups[0] || i % 2 == 0)
            {
                var user = Grid.Unique("svc");
                mapped.Add(new { machineId = machine.Id, credentialIds = new[] { await grid.CredentialAsync(username: user) } });
                expectedUser[machine.Id] = user;
            }
            else
            {
                expectedUser[machine.Id] = defaultUser;
            }
        }
        var mappingId = (await grid.Admin.PostAsync("api/v1/mappings", new { name = Grid.Unique("fleet"), defaultCredentialId = defaultCredential, machines = mapped }))
            .Is(HttpStatusCode.Created).Id;
        var connections = new List<string>();
        foreach (var groupId in groups)
        {
            connections.Add((await grid.Admin.PostAsync("api/v1/connections", new { name = Grid.Unique("conn"), target = new { groupId }, mappingId })).Is(HttpStatusCode.Created).Id);
        }

        // Each flow prints the username it was given to sign in with, which becomes the run's outputs.
        var flows = new FlowRunner(TimeSpan.Zero, [new FlowCommand(FlowCommand.AnyFlow, """printf '"%s"' "$MACHINEGRID_USERNAME" """)]);
        var counters = new FleetCounters();
        var agents = machines.Select(m => new AgentClient(host.Address, m.Machine.Key)).ToList();
        using var stop = new CancellationTokenSource();
        var fleet = agents.Select((agent, i) => new SimulatedMachine(agent, new SimulatedMachineOptions
        {
            Fingerprint = machines[i].Machine.Fingerprint,
            Flows = flows,
            AssignmentWait = TimeSpan.FromSeconds(5),
            HeartbeatInterval = TimeSpan.FromSeconds(5),
        }, counters).RunAsync(stop.Token)).ToList();

        var clock = Stopwatch.StartNew();
        var submitted = new ConcurrentDictionary<string, string>();
        List<JsonElement> runs;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Runs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var run = await grid.SubmitAsync(connections[i % 2], idempotencyKey: $"e2e-{i}");
                submitted[run.Id] = groups[i % 2];
            });
            output.WriteLine($"{Runs} runs submitted in {clock.Elapsed.TotalSeconds:0.0} s");
            runs = await WaitUntilEndedAsync(grid.Admin, groups);
            output.WriteLine($"{Runs} runs ended {clock.Elapsed.TotalSeconds:0.0} s after the first submit; fleet: {counters.Snapshot()}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(fleet);
            agents.ForEach(agent => agent.Dispose());
        }

        Assert.Equal(Runs, submitted.Count);
        Assert.Equal(submitted.Keys.Order(), runs.Select(r => r.GetProperty("id").GetString()!).Order());
        var notSucceeded = runs.Where(r => r.GetProperty("status").GetString() != "Succeeded").Select(r => r.GetRawText()).ToList();
        Assert.True(notSucceeded.Count == 0, $"{notSucceeded.Count} runs did not succeed, e.g. {string.Join("\n", notSucceeded.Take(3))}");
        foreach (var run in runs)
        {
            var runId = run.GetProperty("id").GetString()!;
            var machineId = run.GetProperty("machineId").GetString()!;
            Assert.Equal(submitted[runId], machines.Single(m => m.Machine.Id == machineId).GroupId);
            Assert.Equal(expectedUser[machineId], run.GetProperty("credential").GetProperty("username").GetString());
            Assert.Equal(expectedUser[machineId], run.GetProperty("outputs").GetString());
        }
        foreach (var groupId in groups)
        {
            Assert.Equal(Runs / 2, runs.Count(r => submitted[r.GetProperty("id").GetString()!] == groupId));
        }
        Assert.True(runs.Select(r => r.GetProperty("machineId").GetString()).Distinct().Count() > MachinesPerGroup, "The runs were not spread over the machines.");
        Assert.Equal(Runs, counters.Snapshot().Succeeded);
    }

    /// <summary>Polls the runs of the groups until every one has ended.</summary>
    private static async Task<List<JsonElement>> WaitUntilEndedAsync(ApiClient admin, string[] groups)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var runs = new List<JsonElement>();
            foreach (var groupId in groups)
            {
                string? cursor = null;
                do
                {
                    var page = (await admin.GetAsync($"api/v1/runs?groupId={groupId}&limit=200{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}")).Is(HttpStatusCode.OK);
                    runs.AddRange(page.Items);
                    cursor = page.Json.GetProperty("next").GetString();
                }
                while (cursor is not null);
            }
            var ended = runs.Count(r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled" or "TimedOut");
            if (runs.Count == Runs && ended == Runs)
            {
                return runs;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"After {Limit}: {runs.Count} runs listed, {ended} ended.");
            }
            await Task.Delay(250);
        }
    }
}
