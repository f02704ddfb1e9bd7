using System.Diagnostics;
using Xunit.Abstractions;

namespace MachineGrid.Failover.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL database, 20 simulated machines whose agents fail over between the three gateways,
/// and a submitter on each gateway. One silo, chosen because it holds the order group, is killed with SIGKILL under that load.
/// Then every acknowledged run ends, no run is started by two machines, the dead silo's groups go on from their committed
/// state (queue order included) on the survivors, its reminder fires there, and the killed silo rejoins after a restart.
/// </summary>
public sealed class SiloFailoverTests(ITestOutputHelper output)
{
    private const int MachineCount = 20;
    private const int OrderedRuns = 12;
    private const string GroupPassword = "failover-group-password";
    private const string GroupGrain = "MachineGroupGrain";

    /// <summary>Limits that only stop a broken test from hanging; membership and reminder ticks take their time.</summary>
    private static readonly TimeSpan ClusterChangeLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RunsEndLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan SetupLimit = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan OrderedFlow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LoadFlow = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SubmitPace = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_silo_killed_under_load_loses_no_acknowledged_run_starts_none_twice_and_rejoins_after_a_restart()
    {
        var elapsed = Stopwatch.StartNew();
        await using var cluster = await SiloCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["MACHINEGRID__LIMITS__PASSWORDITERATIONS"] = "1000",
            // A lost assignment (its long-poll died with the silo) comes back to the queue after 5 s instead of 30 s.
            ["MACHINEGRID__LIMITS__ASSIGNMENTACKTIMEOUT"] = "00:00:05",
        });
        var silos = cluster.Silos;
        var allPorts = silos.Select(s => s.SiloPort).ToHashSet();
        await Wait.UntilAsync(async () => (await cluster.ActiveSiloPortsAsync(silos[0])).SetEquals(allPorts), "all three silos are Active", ClusterChangeLimit);
        output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s: three silos Active");

        var clients = silos.ToDictionary(s => s, s => new MachineGridClient(s.Gateway, cluster.AdminKey));
        try
        {
            var admin = clients[silos[0]];

            // Groups, each with the silo its grain was activated on. The silo holding the order group is the victim, and
            // the timeout group must live there too.
            var (orderGroup, victim) = await CreateGroupAsync(cluster, admin, "ordered");
            var timeoutGroup = "";
            for (var attempt = 1; attempt <= 12 && timeoutGroup.Length == 0; attempt++)
            {
                var (candidate, host) = await CreateGroupAsync(cluster, clients[victim], $"timeouts-{attempt}");
                timeoutGroup = host == victim ? candidate : "";
            }
            Assert.True(timeoutGroup.Length > 0, $"No timeout group landed on {victim.Name} in 12 tries.");
            var loadGroups = new List<string>();
            foreach (var silo in silos)
            {
                var (group, host) = await CreateGroupAsync(cluster, clients[silo], $"load-{silo.Index + 1}");
                loadGroups.Add(group);
                output.WriteLine($"group load-{silo.Index + 1} lives on {host.Name}");
            }
            var survivors = silos.Where(s => s != victim).ToList();
            var survivor = clients[survivors[0]];
            output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s: order and timeout groups live on {victim.Name}, the victim");

            var robot = await admin.CreateCredentialAsync(new CreateCredentialRequest("robot", "svc-robot", CredentialStore.Local, Secret: "robot-secret"));
            var orderedRobot = await admin.CreateCredentialAsync(new CreateCredentialRequest("ordered robot", "svc-ordered", CredentialStore.Local, Secret: "ordered-secret"));

            var machines = new List<RegisteredMachine>();
            var fingerprints = new Dictionary<string, string>();
            for (var n = 0; n < MachineCount; n++)
            {
                var fingerprint = $"failover-{n}-{Guid.NewGuid():N}";
                var machine = await clients[silos[n % silos.Count]].RegisterMachineAsync(new RegisterMachineRequest($"failover-{n + 1:D2}", MachineKind.Desktop, "1.0", "Linux", fingerprint));
                // Machine 0 is the order group's only machine; the others spread over the load groups.
                await admin.JoinGroupAsync(machine.Id, n == 0 ? orderGroup : loadGroups[(n - 1) % loadGroups.Count], GroupPassword);
                machines.Add(machine);
                fingerprints[machine.Id] = fingerprint;
            }
            var orderMachine = machines[0];
            var mapping = await admin.CreateMappingAsync(new CreateMappingRequest("ordered", robot.Id, [new MachineCredentials(orderMachine.Id, [orderedRobot.Id])]));
            var orderConnection = (await admin.CreateConnectionAsync(new CreateConnectionRequest("ordered", ConnectionTarget.Group(orderGroup), MappingId: mapping.Id))).Id;
            var timeoutConnection = (await admin.CreateConnectionAsync(new CreateConnectionRequest("timeouts", ConnectionTarget.Group(timeoutGroup), CredentialId: robot.Id))).Id;
            var loadConnections = new List<string>();
            foreach (var group in loadGroups)
            {
                loadConnections.Add((await admin.CreateConnectionAsync(new CreateConnectionRequest(group, ConnectionTarget.Group(group), CredentialId: robot.Id))).Id);
            }

            // The fleet: each agent starts on one gateway and moves to the next when its gateway cannot be reached. The
            // order group's machine starts on the victim's gateway, so it has to move.
            using var stopFleet = new CancellationTokenSource();
            var traffic = new List<AgentTraffic>();
            var agents = new List<AgentClient>();
            var agentHttp = new List<HttpClient>();
            var fleet = new List<Task>();
            for (var n = 0; n < MachineCount; n++)
            {
                var first = n == 0 ? victim.Index : n % silos.Count;
                var gateways = Enumerable.Range(0, silos.Count).Select(i => silos[(first + i) % silos.Count].Gateway).ToList();
                var recorder = new AgentTraffic(machines[n].Id) { InnerHandler = new GatewayFailoverHandler(gateways) };
                traffic.Add(recorder);
                var http = new HttpClient(recorder) { BaseAddress = gateways[0], Timeout = TimeSpan.FromSeconds(45) };
                agentHttp.Add(http);
                var agent = new AgentClient(http, machines[n].MachineKey);
                agents.Add(agent);
                var options = new SimulatedMachineOptions
                {
                    Fingerprint = fingerprints[machines[n].Id],
                    Flows = new FlowRunner(n == 0 ? OrderedFlow : LoadFlow),
                    HeartbeatInterval = TimeSpan.FromSeconds(2),
                    AssignmentWait = TimeSpan.FromSeconds(10),
                };
                fleet.Add(new SimulatedMachine(agent, options).RunAsync(stopFleet.Token));
            }
            await Wait.UntilAsync(async () => await CountOnlineAsync(admin) == MachineCount, $"all {MachineCount} machines are Online", SetupLimit);
            output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s: {MachineCount} machines Online");

            // Equal-priority runs queue behind the order group's single machine, so its assignment order is the queue order.
            var orderedRunIds = new List<string>();
            for (var n = 0; n < OrderedRuns; n++)
            {
                orderedRunIds.Add((await admin.SubmitRunAsync(new SubmitRunRequest(orderConnection, $"ordered-{n + 1}"))).Id);
            }

            using var stopSubmitters = new CancellationTokenSource();
            var submitters = silos.Select(s => new Submitter(s.Gateway, cluster.AdminKey, loadConnections, SubmitPace)).ToList();
            var submitting = submitters.Select(s => s.RunAsync(stopSubmitters.Token)).ToList();
            var orderTraffic = traffic[0];
            await Wait.UntilAsync(() => Task.FromResult(submitters.Sum(s => s.Acknowledged.Count) >= 30 && orderTraffic.Starts.Count >= 1),
                "the load is flowing and the order group's machine has started a run", SetupLimit);

            // Its queue timeout falls due while the victim is dead or after; only the group's reminder can wake the group
            // to expire it, since nothing else calls that group.
            var expiring = await clients[victim].SubmitRunAsync(new SubmitRunRequest(timeoutConnection, "expires", QueueTimeoutSeconds: 10));
            Assert.Equal(RunStatus.Queued, expiring.Status);
            using (var victimHttp = cluster.AdminHttp(victim))
            {
                var reminders = await victimHttp.GetStringAsync("orleans/Reminders");
                Assert.True(reminders.Contains(timeoutGroup, StringComparison.Ordinal), $"The timeout group's reminder is not stored: {reminders}");
            }
            var queuedBeforeKill = (await clients[victim].GetGroupQueueAsync(orderGroup)).Items.Select(q => q.RunId).ToList();
            Assert.True(queuedBeforeKill.Count >= 2, $"Only {queuedBeforeKill.Count} ordered runs were still queued before the kill.");
            Assert.Equal(orderedRunIds.TakeLast(queuedBeforeKill.Count), queuedBeforeKill);

            var acknowledgedBeforeKill = submitters.Sum(s => s.Acknowledged.Count);
            var killedAt = DateTimeOffset.UtcNow;
            var sinceKill = Stopwatch.StartNew();
            victim.Crash();
            output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s ({killedAt:HH:mm:ss.fff}): SIGKILL to {victim.Name}; {acknowledgedBeforeKill} load runs acknowledged, {queuedBeforeKill.Count} ordered runs queued");

            var alive = survivors.Select(s => s.SiloPort).ToHashSet();
            await Wait.UntilAsync(async () => (await cluster.ActiveSiloPortsAsync(survivors[0])).SetEquals(alive), $"{victim.Name} is no longer Active", ClusterChangeLimit);
            var declaredDead = sinceKill.Elapsed;
            output.WriteLine($"membership: {victim.Name} left the Active silos {declaredDead.TotalSeconds:0.0} s after the kill");

            DateTimeOffset? firstAssignmentAfterKill = null;
            await Wait.UntilAsync(async () =>
            {
                var runs = await Task.WhenAll(queuedBeforeKill.Select(id => survivor.GetRunAsync(id)));
                firstAssignmentAfterKill = runs.Select(r => r.AssignedAt).Where(at => at > killedAt).Min();
                return firstAssignmentAfterKill is not null;
            }, "the order group, reactivated on a survivor, assigns a run queued before the kill", ClusterChangeLimit);
            var recovery = firstAssignmentAfterKill!.Value - killedAt;
            foreach (var line in orderTraffic.Exchanges.Where(l => !l.Contains("heartbeat", StringComparison.Ordinal)).TakeLast(12))
            {
                output.WriteLine("order machine: " + line);
            }
            output.WriteLine($"recovery: the order group's first assignment came {recovery.TotalSeconds:0.00} s after the kill");

            // The load goes on through the surviving gateways for a while, then stops.
            var acknowledgedAtRecovery = survivors.Select(s => submitters[s.Index].Acknowledged.Count).ToList();
            await Wait.UntilAsync(() => Task.FromResult(survivors.Select((s, i) => submitters[s.Index].Acknowledged.Count - acknowledgedAtRecovery[i]).All(more => more >= 10)),
                "each surviving gateway acknowledged 10 more runs", ClusterChangeLimit);
            await stopSubmitters.CancelAsync();
            await Task.WhenAll(submitting);
            var acknowledged = submitters.SelectMany(s => s.Acknowledged).Concat(orderedRunIds).ToList();
            output.WriteLine($"submitted: {acknowledged.Count} runs acknowledged, {submitters.Sum(s => s.Failures)} submits failed ({string.Join(", ", submitters.Select(s => $"{s.Gateway.Port}: {s.Acknowledged.Count} ok, {s.Failures} failed"))})");

            // Every acknowledged run ends.
            var ended = new Dictionary<string, Run>();
            var unfinished = new Dictionary<string, Run>();
            var stuckQueues = "";
            await Wait.UntilAsync(async () =>
            {
                foreach (var id in acknowledged.Where(id => !ended.ContainsKey(id)).ToList())
                {
                    var run = await survivor.GetRunAsync(id);
                    if (run.Status.IsFinal())
                    {
                        ended[id] = run;
                        unfinished.Remove(id);
                    }
                    else
                    {
                        unfinished[id] = run;
                    }
                }
                if (ended.Count == acknowledged.Count)
                {
                    return true;
                }
                stuckQueues = string.Join("; ", await Task.WhenAll(unfinished.Values.Select(r => r.GroupId!).Distinct().Select(async group =>
                    $"queue of {group}: [{string.Join(", ", (await survivor.GetGroupQueueAsync(group)).Items.Select(q => $"{q.RunId} {q.WaitReason}"))}]")));
                return false;
            }, "every acknowledged run has ended", RunsEndLimit, () => "Not ended: " + string.Join("; ", unfinished.Values.Take(10).Select(run =>
                Describe(run) + ", agent traffic: " + string.Join(" | ", traffic.SelectMany(t => t.Exchanges).Where(line => line.Contains(run.Id, StringComparison.Ordinal))))) + ". " + stuckQueues);
            output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s: all {ended.Count} acknowledged runs ended: {string.Join(", ", ended.Values.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}"))}");
            foreach (var run in ended.Values.OrderByDescending(r => r.EndedAt).Take(3))
            {
                output.WriteLine($"ended last: {Describe(run)}, ended {run.EndedAt:HH:mm:ss.fff}");
            }
            Assert.All(ended.Values, run => Assert.True(run.Status == RunStatus.Succeeded, $"Run {run.Id} ended {run.Status} ({run.StatusReason}: {run.Error})."));

            // No run was started on two machines: as the machines saw it, and as the runs record it.
            var starts = traffic.SelectMany(t => t.Starts).ToList();
            var startedTwice = starts.GroupBy(s => s.RunId).Where(g => g.Select(s => s.MachineId).Distinct().Count() > 1).Select(g => g.Key).ToList();
            Assert.True(startedTwice.Count == 0, $"Runs started on two machines: {string.Join(", ", startedTwice)}");
            var starter = starts.GroupBy(s => s.RunId).ToDictionary(g => g.Key, g => g.First().MachineId);
            Assert.All(ended.Values, run =>
            {
                Assert.Equal(1, run.Attempts);
                Assert.True(starter.TryGetValue(run.Id, out var machineId), $"No machine saw run {run.Id} start.");
                Assert.Equal(machineId, run.MachineId);
            });

            // The order group went on from its committed state: every run queued before the kill was assigned afterwards, in
            // submission order, with the credential its mapping gives the machine.
            Assert.Equal(orderedRunIds, orderTraffic.Starts.Select(s => s.RunId).Distinct());
            Assert.Equal(orderedRunIds, orderedRunIds.Select(id => ended[id]).OrderBy(r => r.AssignedAt).Select(r => r.Id));
            // The snapshot was read just before the kill, so its head may have been assigned in between.
            var queuedAtKill = queuedBeforeKill.Where(id => ended[id].AssignedAt > killedAt).ToList();
            Assert.True(queuedAtKill.Count >= 1, "No ordered run was still queued when the silo was killed.");
            Assert.Equal(queuedBeforeKill.TakeLast(queuedAtKill.Count), queuedAtKill);
            Assert.All(orderedRunIds, id => Assert.Equal("svc-ordered", ended[id].Credential?.Username));

            // The timeout group's reminder fired on a survivor: it woke the group, which timed the run out.
            await Wait.UntilAsync(async () => (await survivor.ListRunsAsync(new RunQuery(GroupId: timeoutGroup, Status: RunStatus.TimedOut))).Items.Any(r => r.Id == expiring.Id),
                "the timeout group's reminder timed its queued run out", ClusterChangeLimit);
            output.WriteLine($"reminder: the queued run timed out {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.Equal(RunStatus.TimedOut, (await survivor.GetRunAsync(expiring.Id)).Status);

            // The killed silo comes back with the same arguments, rejoins as Active and serves.
            await cluster.RestartAsync(victim);
            await Wait.UntilAsync(async () => (await cluster.ActiveSiloPortsAsync(survivors[0])).SetEquals(allPorts) && (await cluster.ActiveSiloPortsAsync(victim)).SetEquals(allPorts),
                $"{victim.Name} is Active again on every gateway", ClusterChangeLimit);
            output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s: {victim.Name} rejoined");
            Assert.DoesNotContain("Bootstrap admin API key", victim.Process!.Output, StringComparison.Ordinal);
            using var rejoined = new MachineGridClient(victim.Gateway, cluster.AdminKey);
            Assert.Equal("p-admin", (await rejoined.GetMeAsync()).Id);
            var afterRestart = await rejoined.SubmitRunAsync(new SubmitRunRequest(orderConnection, "after-restart"));
            Assert.Equal(RunStatus.Succeeded, (await rejoined.WaitForRunAsync(afterRestart.Id, RunsEndLimit)).Status);
            Assert.Contains(orderTraffic.Starts, s => s.RunId == afterRestart.Id);

            await stopFleet.CancelAsync();
            await Task.WhenAll(fleet);
            agents.ForEach(a => a.Dispose());
            agentHttp.ForEach(h => h.Dispose());
            submitters.ForEach(s => s.Dispose());
            output.WriteLine($"{elapsed.Elapsed.TotalSeconds:0.0} s: done");
        }
        finally
        {
            // The silos' own logs, for a failure's post-mortem.
            var logs = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "machinegrid-failover-logs")).FullName;
            foreach (var silo in silos)
            {
                await File.WriteAllTextAsync(Path.Combine(logs, $"silo-{silo.Index + 1}.log"), silo.Process?.Output ?? "");
            }
            output.WriteLine($"silo logs: {logs}");
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Creates a group and finds the silo its grain was activated on, from the activation counts per silo.</summary>
    private static async Task<(string GroupId, ClusterSilo Host)> CreateGroupAsync(SiloCluster cluster, MachineGridClient client, string name)
    {
        var observer = cluster.Silos[0];
        var before = await cluster.ActivationsAsync(observer, GroupGrain);
        var group = await client.CreateGroupAsync(new CreateGroupRequest(name));
        ClusterSilo? host = null;
        await Wait.UntilAsync(async () =>
        {
            var after = await cluster.ActivationsAsync(observer, GroupGrain);
            var grown = cluster.Silos.Where(s => after.GetValueOrDefault(s.SiloPort) > before.GetValueOrDefault(s.SiloPort)).ToList();
            host = grown.Count == 1 && after.Values.Sum() == before.Values.Sum() + 1 ? grown[0] : null;
            return host is not null;
        }, $"the activation of group {name} shows on one silo", TimeSpan.FromSeconds(30));
        return (group.Id, host!);
    }

    private static string Describe(Run run) =>
        $"{run.Id} {run.Status} ({run.StatusReason}) in {run.GroupId} on {run.MachineId ?? "no machine"}, enqueued {run.EnqueuedAt:HH:mm:ss.fff}, assigned {run.AssignedAt:HH:mm:ss.fff}, started {run.StartedAt:HH:mm:ss.fff}";

    private static async Task<int> CountOnlineAsync(MachineGridClient client)
    {
        var online = 0;
        await foreach (var machine in client.GetAllMachinesAsync())
        {
            online += machine.Status == MachineStatus.Online ? 1 : 0;
        }
        return online;
    }
}
