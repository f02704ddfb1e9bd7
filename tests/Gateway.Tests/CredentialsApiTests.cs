using System.Net;
using System.Text.Json;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class CredentialsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_local_credential_is_created_read_and_listed_without_its_secret()
    {
        var maker = await Grid.PrincipalAsync("EnvironmentMaker");
        var secret = "Sup3r-" + Guid.NewGuid().ToString("N");
        var name = Grid.Unique("sap");

        var created = (await maker.Api.PostAsync("api/v1/credentials", new { name, username = "CONTOSO\\svc-sap", store = "Local", secret, usableInConnections = true }))
            .Is(HttpStatusCode.Created);
        var fetched = (await maker.Api.GetAsync($"api/v1/credentials/{created.Id}")).Is(HttpStatusCode.OK);
        var listed = (await maker.Api.GetAsync("api/v1/credentials")).Is(HttpStatusCode.OK);

        var item = Assert.Single(listed.Items);
        foreach (var credential in new[] { created.Json, fetched.Json, item })
        {
            credential.HasProperties("id", "name", "username", "store", "usableInConnections", "owner", "access");
            Assert.Equal(created.Id, credential.GetProperty("id").GetString());
            Assert.Equal(name, credential.GetProperty("name").GetString());
            Assert.Equal("CONTOSO\\svc-sap", credential.GetProperty("username").GetString());
            Assert.Equal("Local", credential.GetProperty("store").GetString());
            Assert.True(credential.GetProperty("usableInConnections").GetBoolean());
            Assert.Equal(maker.Id, credential.GetProperty("owner").GetProperty("id").GetString());
            Assert.False(credential.TryGetProperty("secret", out _));
        }
        foreach (var body in new[] { created.Body, fetched.Body, listed.Body })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("AzureKeyVault", "https://contoso-vault.vault.azure.net/secrets/sap-password")]
    [InlineData("CyberArk", "Finance/sap-bot")]
    public async Task A_vault_credential_keeps_its_reference(string store, string secretRef)
    {
        var created = (await Grid.Admin.PostAsync("api/v1/credentials", new { name = Grid.Unique("vault"), username = "svc", store, secretRef, usableInConnections = false }))
            .Is(HttpStatusCode.Created);

        Assert.Equal(store, created.Text("store"));
        Assert.Equal(secretRef, created.Text("secretRef"));
        Assert.False(created.Json.GetProperty("usableInConnections").GetBoolean());
    }

    [Theory]
    [InlineData("""{"name":"c","username":"u","store":"Local","usableInConnections":true}""")]
    [InlineData("""{"name":"c","username":"u","store":"AzureKeyVault","secretRef":"not a uri","usableInConnections":true}""")]
    [InlineData("""{"name":"c","username":"u","store":"CyberArk","secret":"plain","secretRef":"a/b","usableInConnections":true}""")]
    [InlineData("""{"name":"c","username":"u","store":"Vault9000","secret":"x","usableInConnections":true}""")]
    public async Task A_credential_without_what_its_store_needs_is_refused(string body)
    {
        var before = (await Grid.Admin.GetAsync("api/v1/credentials?limit=200")).Is(HttpStatusCode.OK).Body;

        var refused = await Grid.Admin.SendRawAsync(HttpMethod.Post, "api/v1/credentials", body);

        refused.IsProblem(HttpStatusCode.BadRequest, "Validation");
        Assert.Equal(before, (await Grid.Admin.GetAsync("api/v1/credentials?limit=200")).Is(HttpStatusCode.OK).Body);
    }

    [Fact]
    public async Task A_deleted_credential_is_gone()
    {
        var credentialId = await Grid.CredentialAsync();

        (await Grid.Admin.DeleteAsync($"api/v1/credentials/{credentialId}")).Is(HttpStatusCode.NoContent);

        (await Grid.Admin.GetAsync($"api/v1/credentials/{credentialId}")).IsProblem(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task Runs_queued_with_a_credential_that_is_deleted_end_at_once_naming_it_and_no_machine_gets_them()
    {
        var groupId = await Grid.GroupAsync();
        var machine = await Grid.MachineAsync();
        await Grid.JoinAsync(machine, groupId);
        var deletedName = Grid.Unique("deleted");
        var deletedId = await Grid.CredentialAsync(name: deletedName);
        var doomedConnection = await Grid.GroupConnectionAsync(groupId, deletedId);
        var otherConnection = await Grid.GroupConnectionAsync(groupId, await Grid.CredentialAsync());
        var doomed = new[] { (await Grid.SubmitAsync(doomedConnection)).Id, (await Grid.SubmitAsync(doomedConnection, priority: "High")).Id };
        var other = (await Grid.SubmitAsync(otherConnection)).Id;

        (await Grid.Admin.DeleteAsync($"api/v1/credentials/{deletedId}")).Is(HttpStatusCode.NoContent);
        await Eventually.True(async () => (await Task.WhenAll(doomed.Select(RunAsync))).All(run => run.GetProperty("status").GetString() != "Queued"), "the runs with the deleted credential ended");
        await Grid.HeartbeatAsync(machine);
        var assigned = await Grid.TakeAsync(machine);
        var nothingMore = await machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=1");

        foreach (var run in await Task.WhenAll(doomed.Select(RunAsync)))
        {
            Assert.Equal("Cancelled", run.GetProperty("status").GetString());
            Assert.Equal("CredentialDeleted", run.GetProperty("statusReason").GetString());
            Assert.Contains(deletedName, run.GetProperty("error").GetString());
            Assert.Contains(deletedId, run.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, run.GetProperty("machineId").ValueKind);
            Assert.Equal(JsonValueKind.Null, run.GetProperty("assignedAt").ValueKind);
        }
        Assert.Equal(other, assigned.Text("runId"));
        nothingMore.Is(HttpStatusCode.NoContent);
        Assert.Equal("Assigned", (await RunAsync(other)).GetProperty("status").GetString());
        Assert.Empty((await Grid.Admin.GetAsync($"api/v1/groups/{groupId}/queue")).Is(HttpStatusCode.OK).Items);
    }

    [Fact]
    public async Task A_run_assigned_but_not_started_with_a_credential_that_is_deleted_ends_and_is_withdrawn_from_the_machine()
    {
        var online = await Grid.OnlineGroupAsync();
        var runId = (await Grid.SubmitAsync(online.ConnectionId)).Id;
        await Eventually.True(async () => (await RunAsync(runId)).GetProperty("status").GetString() == "Assigned", "the run is assigned");

        (await Grid.Admin.DeleteAsync($"api/v1/credentials/{online.CredentialId}")).Is(HttpStatusCode.NoContent);
        await Eventually.True(async () => (await RunAsync(runId)).GetProperty("status").GetString() != "Assigned", "the run ended");
        await Eventually.True(async () => !(await Grid.Admin.GetAsync($"api/v1/machines/{online.Machines[0].Id}")).Body.Contains(runId, StringComparison.Ordinal), "the machine let the run go");
        var poll = await online.Machines[0].Agent.GetAsync("api/v1/agent/assignments?waitSeconds=0");

        var run = await RunAsync(runId);
        Assert.Equal("Cancelled", run.GetProperty("status").GetString());
        Assert.Equal("CredentialDeleted", run.GetProperty("statusReason").GetString());
        Assert.Contains(online.CredentialId, run.GetProperty("error").GetString());
        poll.Is(HttpStatusCode.NoContent);
    }

    private async Task<JsonElement> RunAsync(string runId) => (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK).Json;

    [Fact]
    public async Task Sharing_a_credential_lets_the_principal_see_and_use_it_until_unshared()
    {
        var credentialId = await Grid.CredentialAsync();
        var user = await Grid.PrincipalAsync("MachineUser");

        var hidden = await user.Api.GetAsync($"api/v1/credentials/{credentialId}");
        (await Grid.Admin.PostAsync($"api/v1/credentials/{credentialId}/shares", new { principalId = user.Id, access = "User" })).Is(HttpStatusCode.NoContent);
        var shared = (await user.Api.GetAsync($"api/v1/credentials/{credentialId}")).Is(HttpStatusCode.OK).Json;
        var deleteByUser = await user.Api.DeleteAsync($"api/v1/credentials/{credentialId}");
        (await Grid.Admin.DeleteAsync($"api/v1/credentials/{credentialId}/shares/{user.Id}")).Is(HttpStatusCode.NoContent);
        var unshared = await user.Api.GetAsync($"api/v1/credentials/{credentialId}");

        hidden.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal("User", shared.GetProperty("access").GetString());
        deleteByUser.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        unshared.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(JsonValueKind.Object, (await Grid.Admin.GetAsync($"api/v1/credentials/{credentialId}")).Is(HttpStatusCode.OK).Json.ValueKind);
    }
}
