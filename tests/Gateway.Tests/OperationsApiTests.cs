using System.Net;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class OperationsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] ContractPaths =
    [
        "/healthz", "/readyz",
        "/api/v1/principals", "/api/v1/me",
        "/api/v1/groups", "/api/v1/groups/{id}", "/api/v1/groups/{id}/password", "/api/v1/groups/{id}/machines", "/api/v1/groups/{id}/queue",
        "/api/v1/groups/{id}/shares", "/api/v1/groups/{id}/shares/{principalId}",
        "/api/v1/machines", "/api/v1/machines/{id}", "/api/v1/machines/{id}/group", "/api/v1/machines/{id}/shares",
        "/api/v1/machines/{id}/shares/{principalId}",
        "/api/v1/credentials", "/api/v1/credentials/{id}", "/api/v1/credentials/{id}/shares", "/api/v1/credentials/{id}/shares/{principalId}",
        "/api/v1/mappings", "/api/v1/mappings/{id}", "/api/v1/mappings/{id}/machines/{machineId}", "/api/v1/mappings/{id}/shares",
        "/api/v1/mappings/{id}/shares/{principalId}", "/api/v1/mappings/{id}/export", "/api/v1/mappings/import",
        "/api/v1/connections", "/api/v1/connections/{id}",
        "/api/v1/runs", "/api/v1/runs/{id}", "/api/v1/runs/{id}/cancel", "/api/v1/runs/{id}/move-to-top",
        "/api/v1/agent/heartbeat", "/api/v1/agent/assignments", "/api/v1/agent/runs/{runId}/start", "/api/v1/agent/runs/{runId}/complete",
        "/api/v1/agent/credentials/{credentialId}/failure",
        "/api/v1/audit",
    ];

    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task The_openapi_document_lists_every_path_of_the_contract()
    {
        var document = (await Grid.As(null).GetAsync("openapi/v1.json")).Is(HttpStatusCode.OK);

        var paths = document.Json.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        var missing = ContractPaths.Where(path => !paths.Contains(path)).ToList();
        Assert.True(missing.Count == 0, $"Missing from the OpenAPI document: {string.Join(", ", missing)}");
        Assert.Equal(["get", "patch"], document.Json.GetProperty("paths").GetProperty("/api/v1/runs/{id}").EnumerateObject().Select(o => o.Name).Order());
    }

    [Fact]
    public async Task Health_and_readiness_answer_without_a_key()
    {
        var health = (await Grid.As(null).GetAsync("healthz")).Is(HttpStatusCode.OK);
        var ready = (await Grid.As(null).GetAsync("readyz")).Is(HttpStatusCode.OK);

        Assert.Equal("ok", health.Text("status"));
        Assert.Equal("ready", ready.Text("status"));
    }

    [Fact]
    public async Task The_audit_log_records_changes_for_admins_only()
    {
        var groupId = await Grid.GroupAsync();
        var user = await Grid.PrincipalAsync("EnvironmentMaker");

        var entries = new List<System.Text.Json.JsonElement>();
        string? cursor = null;
        do
        {
            var page = (await Grid.Admin.GetAsync($"api/v1/audit?limit=200{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}")).Is(HttpStatusCode.OK);
            entries.AddRange(page.Items);
            cursor = page.Json.GetProperty("next").GetString();
        }
        while (cursor is not null);
        var refused = await user.Api.GetAsync("api/v1/audit");

        var created = Assert.Single(entries, e => e.GetProperty("action").GetString() == "group.create" && e.GetProperty("resource").GetString() == $"group/{groupId}");
        created.HasProperties("cursor", "at", "actorId", "action", "resource");
        Assert.Equal("p-admin", created.GetProperty("actorId").GetString());
        refused.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
    }
}
