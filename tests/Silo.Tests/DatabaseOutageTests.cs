using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MachineGrid.Client;
using Xunit.Abstractions;

namespace MachineGrid.Silo.Tests;

/// <summary>
/// PostgreSQL goes down (as a crash: <c>pg_ctl stop -m immediate</c>) for ten seconds under two silos. Requests meanwhile
/// answer 200s from memory or 503 problem responses, never a 500; when the database is back the silos serve again, and
/// every run acknowledged before, during or after the outage is still there and runs to its end exactly once.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private readonly string data = Directory.CreateTempSubdirectory("machinegrid-outage-").FullName;
    private readonly string adminKey = "mgk_outage_admin_" + Guid.NewGuid().ToString("N");
    private readonly List<SiloProcess> silos = [];
    private PostgresServer? postgres;

    public async Task InitializeAsync()
    {
        postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        for (var i = 0; i < 2; i++)
        {
            silos.Add(await SiloProcess.StartAsync(data, ["--postgres", connectionString], new Dictionary<string, string>
            {
                ["MACHINEGRID__BOOTSTRAPADMINKEY"] = adminKey,
                ["MACHINEGRID__LIMITS__PASSWORDITERATIONS"] = "1000",
            }));
        }
    }

    [Fact]
    public async Task A_ten_second_outage_answers_503_loses_no_acknowledged_run_and_the_silos_recover()
    {
        using var admin = new MachineGridClient(silos[0].Address, adminKey);
        var group = await admin.CreateGroupAsync(new CreateGroupRequest("outage"));
        var credential = await admin.CreateCredentialAsync(new CreateCredentialRequest("robot", "robot", CredentialStore.Local, "s3cret-robot"));
        var connection = await admin.CreateConnectionAsync(new CreateConnectionRequest("outage", ConnectionTarget.Group(group.Id), credential.Id));
        var machine = await admin.RegisterMachineAsync(new RegisterMachineRequest("pc-outage", MachineKind.Desktop, "2.50", "Windows 11", "fp-outage"));
        await admin.JoinGroupAsync(machine.Id, group.Id, "group-password-1");

        // Acknowledged before the outage; no machine is online yet, so they wait in the queue.
        var acknowledged = new Dictionary<string, string>();
        for (var i = 0; i < 6; i++)
        {
            using var client = new MachineGridClient(silos[i % 2].Address, adminKey);
            var key = $"before-{i}";
            acknowledged[key] = (await client.SubmitRunAsync(new SubmitRunRequest(connection.Id, "flow", IdempotencyKey: key))).Id;
        }

        await postgres!.CrashServerAsync();
        var down = Stopwatch.StartNew();
        var answers = new List<(string Request, HttpStatusCode Status, string? ContentType)>();
        var unknown = new List<string>();
        for (var round = 0; down.Elapsed < Outage; round++)
        {
            foreach (var silo in silos)
            {
                using var http = Http(silo);
                var key = $"during-{round}-{silos.IndexOf(silo)}";
                var submit = await http.PostAsJsonAsync("api/v1/runs", new { connectionId = connection.Id, flowId = "flow", runMode = "Unattended", idempotencyKey = key });
                answers.Add(("submit", submit.StatusCode, submit.Content.Headers.ContentType?.MediaType));
                if (submit.IsSuccessStatusCode)
                {
                    acknowledged[key] = (await submit.Content.ReadFromJsonAsync<IdOnly>())!.Id;
                }
                else
                {
                    unknown.Add(key);
                }
                foreach (var (name, path) in new[] { ("read run", $"api/v1/runs/{acknowledged["before-0"]}"), ("list groups", "api/v1/groups"), ("list runs", $"api/v1/runs?groupId={group.Id}") })
                {
                    using var response = await http.GetAsync(path);
                    answers.Add((name, response.StatusCode, response.Content.Headers.ContentType?.MediaType));
                }
                using var create = await http.PostAsJsonAsync("api/v1/groups", new { name = $"during {round}" });
                answers.Add(("create group", create.StatusCode, create.Content.Headers.ContentType?.MediaType));
            }
        }
        output.WriteLine(string.Join('\n', answers.GroupBy(a => (a.Request, a.Status)).Select(g => $"{g.Key.Request}: {(int)g.Key.Status} x{g.Count()}")));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{a.Request} answered {(int)a.Status}"));
        Assert.Contains(answers, a => a.Request == "submit" && a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a => Assert.Equal("application/problem+json", a.ContentType));

        await postgres.RestartServerAsync();
        output.WriteLine($"database down for {down.Elapsed.TotalSeconds:F1} s");

        // Both silos serve again; a submit whose outcome was unknown is retried with its key, as a client should.
        foreach (var silo in silos)
        {
            await Eventually.True(async () =>
            {
                using var http = Http(silo);
                using var response = await http.PostAsJsonAsync("api/v1/runs", new { connectionId = connection.Id, flowId = "flow", runMode = "Unattended", idempotencyKey = $"after-{silos.IndexOf(silo)}" });
                if (response.IsSuccessStatusCode)
                {
                    acknowledged[$"after-{silos.IndexOf(silo)}"] = (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
                }
                return response.IsSuccessStatusCode;
            }, $"silo {silos.IndexOf(silo) + 1} accepts runs again");
        }
        foreach (var key in unknown)
        {
            acknowledged[key] = (await admin.SubmitRunAsync(new SubmitRunRequest(connection.Id, "flow", IdempotencyKey: key))).Id;
        }
        foreach (var (key, runId) in acknowledged.Where(a => a.Key.StartsWith("before-", StringComparison.Ordinal)))
        {
            Assert.Equal(RunStatus.Queued, (await admin.GetRunAsync(runId)).Status);
        }

        // One machine, online through the second silo, takes every acknowledged run, each once.
        using var agent = new AgentClient(silos[1].Address, machine.MachineKey);
        await agent.HeartbeatAsync(new HeartbeatRequest("agent-outage", "fp-outage", []));
        var taken = new List<string>();
        var expected = acknowledged.Values.ToHashSet();
        while (!expected.IsSubsetOf(taken))
        {
            var assignment = await agent.WaitForAssignmentAsync(TimeSpan.FromSeconds(20))
                ?? throw new Xunit.Sdk.XunitException($"No assignment within 20 s; taken {taken.Count} of {expected.Count}.");
            taken.Add(assignment.RunId);
            await agent.StartRunAsync(assignment.RunId);
            await agent.CompleteRunAsync(assignment.RunId, new CompleteRunRequest(CompletionStatus.Succeeded));
        }
        Assert.Equal(taken.Count, taken.Distinct().Count());
        foreach (var runId in expected)
        {
            Assert.Equal(RunStatus.Succeeded, (await admin.GetRunAsync(runId)).Status);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
        Directory.Delete(data, recursive: true);
    }

    private HttpClient Http(SiloProcess silo)
    {
        var http = silo.Client(adminKey);
        http.Timeout = TimeSpan.FromSeconds(45);
        return http;
    }

    private sealed record IdOnly(string Id);
}
