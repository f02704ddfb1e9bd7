using System.Net;
using System.Text.Json;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class ConnectionsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_connection_to_a_group_with_a_credential_is_connected()
    {
        var groupId = await Grid.GroupAsync();
        var credentialId = await Grid.CredentialAsync();
        var name = Grid.Unique("conn");

        var created = (await Grid.Admin.PostAsync("api/v1/connections", new { name, target = new { groupId }, credentialId })).Is(HttpStatusCode.Created);
        var fetched = (await Grid.Admin.GetAsync($"api/v1/connections/{created.Id}")).Is(HttpStatusCode.OK);

        foreach (var connection in new[] { created.Json, fetched.Json })
        {
            connection.HasProperties("id", "name", "status", "target", "credentialId");
            Assert.Equal(created.Id, connection.GetProperty("id").GetString());
            Assert.Equal(name, connection.GetProperty("name").GetString());
            Assert.Equal("Connected", connection.GetProperty("status").GetString());
            Assert.Equal(groupId, connection.GetProperty("target").GetProperty("groupId").GetString());
            Assert.Equal(credentialId, connection.GetProperty("credentialId").GetString());
        }
    }

    [Fact]
    public async Task A_connection_with_a_mapping_is_connected()
    {
        var machine = await Grid.MachineAsync();
        var credentialId = await Grid.CredentialAsync();
        var groupId = await Grid.GroupAsync();
        var mappingId = (await Grid.Admin.PostAsync("api/v1/mappings", new
        {
            name = Grid.Unique("mapping"),
            defaultCredentialId = credentialId,
            machines = new[] { new { machineId = machine.Id, credentialIds = new[] { credentialId } } },
        })).Is(HttpStatusCode.Created).Id;

        var created = (await Grid.Admin.PostAsync("api/v1/connections", new { name = Grid.Unique("conn"), target = new { groupId }, mappingId })).Is(HttpStatusCode.Created);

        Assert.Equal("Connected", created.Text("status"));
        Assert.Equal(mappingId, created.Text("mappingId"));
        Assert.Equal(JsonValueKind.Null, created.Json.GetProperty("credentialId").ValueKind);
    }

    [Fact]
    public async Task A_connection_to_a_machine_breaks_when_the_machine_joins_a_group()
    {
        var machine = await Grid.MachineAsync();
        var credentialId = await Grid.CredentialAsync();
        var created = (await Grid.Admin.PostAsync("api/v1/connections", new { name = Grid.Unique("conn"), target = new { machineId = machine.Id }, credentialId }))
            .Is(HttpStatusCode.Created);

        await Grid.JoinAsync(machine, await Grid.GroupAsync());
        var fetched = (await Grid.Admin.GetAsync($"api/v1/connections/{created.Id}")).Is(HttpStatusCode.OK);

        Assert.Equal("Connected", created.Text("status"));
        Assert.Equal(machine.Id, created.Json.GetProperty("target").GetProperty("machineId").GetString());
        Assert.Equal("Broken", fetched.Text("status"));
    }

    [Fact]
    public async Task A_credential_not_usable_in_connections_is_refused()
    {
        var groupId = await Grid.GroupAsync();
        var credentialId = await Grid.CredentialAsync(usableInConnections: false);

        var refused = await Grid.Admin.PostAsync("api/v1/connections", new { name = Grid.Unique("conn"), target = new { groupId }, credentialId });

        refused.IsProblem(HttpStatusCode.UnprocessableEntity, "CredentialNotUsableInConnections");
    }

    [Fact]
    public async Task Connections_to_what_does_not_exist_or_cannot_be_used_are_refused()
    {
        var groupId = await Grid.GroupAsync();
        var credentialId = await Grid.CredentialAsync();
        var user = await Grid.PrincipalAsync("MachineUser");

        var noGroup = await Grid.Admin.PostAsync("api/v1/connections", new { name = "c", target = new { groupId = "g-missing" }, credentialId });
        var noCredential = await Grid.Admin.PostAsync("api/v1/connections", new { name = "c", target = new { groupId }, credentialId = "cred-missing" });
        var both = await Grid.Admin.PostAsync("api/v1/connections", new { name = "c", target = new { groupId, machineId = "m-x" }, credentialId });
        var notShared = await user.Api.PostAsync("api/v1/connections", new { name = "c", target = new { groupId }, credentialId });
        var missing = await Grid.Admin.GetAsync("api/v1/connections/conn-missing");

        noGroup.IsProblem(HttpStatusCode.NotFound, "NotFound");
        noCredential.IsProblem(HttpStatusCode.NotFound, "NotFound");
        both.IsProblem(HttpStatusCode.BadRequest, "Validation");
        notShared.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
        missing.IsProblem(HttpStatusCode.NotFound, "NotFound");
    }
}
