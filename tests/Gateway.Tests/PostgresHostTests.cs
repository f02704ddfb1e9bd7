using System.Net;
using MachineGrid.TestSupport;
using Npgsql;
using Xunit;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// The real silo program with <c>--postgres</c>, driven only through HTTP: a group, a machine whose agent takes and completes a
/// run, then a restart on the same database that finds all of it again and keeps scheduling.
/// </summary>
public sealed class PostgresHostTests
{
    [Fact]
    public async Task The_silo_on_postgres_keeps_groups_machines_and_runs_across_a_restart()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("machinegrid-silo-pg-").FullName;
        try
        {
            var adminKey = "mgk_test_admin_" + Guid.NewGuid().ToString("N");
            // The data folder holds only the Data Protection keys here (credential secrets are encrypted with them).
            string[] arguments = ["--postgres", database, "--data", Path.Combine(folder, "data")];
            var environment = new Dictionary<string, string>
            {
                ["MACHINEGRID__BOOTSTRAPADMINKEY"] = adminKey,
                ["MACHINEGRID__LIMITS__PASSWORDITERATIONS"] = "1000",
            };
            string groupId, runId, connectionId, username, secret;
            ProcessMachine machine;

            await using (var silo = await SiloProcess.StartAsync(folder, arguments, environment))
            {
                var admin = new ApiClient(silo.Client(adminKey));
                Assert.Equal("p-admin", (await admin.GetAsync("api/v1/me")).Is(HttpStatusCode.OK).Id);

                groupId = (await admin.PostAsync("api/v1/groups", new { name = "night shift", description = "on postgres" })).Is(HttpStatusCode.Created).Id;
                machine = await ProcessMachine.EnrollAsync(silo, admin, groupId);
                var agent = machine.Agent;

                (username, secret) = (Grid.Unique("svc"), Grid.Unique("secret"));
                var credentialId = (await admin.PostAsync("api/v1/credentials", new { name = "robot", username, store = "Local", secret, usableInConnections = true }))
                    .Is(HttpStatusCode.Created).Id;
                connectionId = (await admin.PostAsync("api/v1/connections", new { name = "invoices", target = new { groupId }, credentialId })).Is(HttpStatusCode.Created).Id;
                runId = (await admin.PostAsync("api/v1/runs", new { connectionId, flowId = "invoice", inputs = new { n = 3 }, runMode = "Unattended", idempotencyKey = "order-17" }))
                    .Is(HttpStatusCode.Accepted).Id;

                var assignment = (await agent.GetAsync("api/v1/agent/assignments?waitSeconds=20")).Is(HttpStatusCode.OK);
                Assert.Equal(runId, assignment.Text("runId"));
                Assert.Equal(secret, assignment.Json.GetProperty("credential").GetProperty("secret").GetString());
                (await agent.PostAsync($"api/v1/agent/runs/{runId}/start")).Is(HttpStatusCode.NoContent);
                (await agent.PostAsync($"api/v1/agent/runs/{runId}/complete", new { status = "Succeeded", outputs = new { total = 42 } })).Is(HttpStatusCode.NoContent);
                Assert.Equal("Succeeded", (await admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK).Text("status"));

                Assert.Equal(0, await silo.StopAsync());
            }

            // The state is in PostgreSQL, not in a SQLite file beside the keys.
            var keys = await GrainKeysAsync(database);
            Assert.True(new[] { groupId, machine.Id, runId, connectionId }.All(keys.Contains), $"Grain rows: {string.Join(", ", keys.Order())}");
            Assert.Empty(Directory.GetFiles(folder, "*.db", SearchOption.AllDirectories));

            await using (var silo = await SiloProcess.StartAsync(folder, arguments, environment))
            {
                var admin = new ApiClient(silo.Client(adminKey));

                var group = (await admin.GetAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.OK);
                Assert.Equal("night shift", group.Text("name"));
                Assert.Equal(1, group.Json.GetProperty("machineCount").GetInt32());
                Assert.Contains((await admin.GetAsync("api/v1/groups")).Is(HttpStatusCode.OK).Items, g => g.GetProperty("id").GetString() == groupId);
                var stored = (await admin.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK);
                Assert.Equal(groupId, stored.Text("groupId"));
                Assert.Equal("Desktop", stored.Text("kind"));
                var run = (await admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK);
                Assert.Equal("Succeeded", run.Text("status"));
                Assert.Equal(machine.Id, run.Text("machineId"));
                Assert.Equal(username, run.Json.GetProperty("credential").GetProperty("username").GetString());
                Assert.Equal(42, run.Json.GetProperty("outputs").GetProperty("total").GetInt32());
                Assert.Contains((await admin.GetAsync($"api/v1/runs?groupId={groupId}&status=Succeeded")).Is(HttpStatusCode.OK).Items, r => r.GetProperty("id").GetString() == runId);
                // The idempotency key still names the same run.
                Assert.Equal(runId, (await admin.PostAsync("api/v1/runs", new { connectionId, flowId = "invoice", runMode = "Unattended", idempotencyKey = "order-17" }))
                    .Is(HttpStatusCode.Accepted).Id);

                // The machine key still works, and the restarted silo keeps scheduling, with the secret it can still decrypt.
                var agent = (await machine.ReconnectAsync(silo)).Agent;
                var nextRunId = (await admin.PostAsync("api/v1/runs", new { connectionId, flowId = "invoice", runMode = "Unattended" })).Is(HttpStatusCode.Accepted).Id;
                var assignment = (await agent.GetAsync("api/v1/agent/assignments?waitSeconds=20")).Is(HttpStatusCode.OK);
                Assert.Equal(nextRunId, assignment.Text("runId"));
                Assert.Equal(secret, assignment.Json.GetProperty("credential").GetProperty("secret").GetString());
                (await agent.PostAsync($"api/v1/agent/runs/{nextRunId}/start")).Is(HttpStatusCode.NoContent);
                (await agent.PostAsync($"api/v1/agent/runs/{nextRunId}/complete", new { status = "Failed", error = "out of paper" })).Is(HttpStatusCode.NoContent);
                Assert.Equal("Failed", (await admin.GetAsync($"api/v1/runs/{nextRunId}")).Is(HttpStatusCode.OK).Text("status"));

                Assert.Equal(0, await silo.StopAsync());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<HashSet<string>> GrainKeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Rows are keyed by Orleans' grain id, "type/key"; a cleared record keeps its row with a NULL state.
        await using var command = new NpgsqlCommand("SELECT grain_id FROM grain_state WHERE state IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var grainId = reader.GetString(0);
            keys.Add(grainId[(grainId.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        }
        return keys;
    }
}
