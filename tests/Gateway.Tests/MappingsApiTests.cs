using System.Net;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class MappingsApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_mapping_is_created_read_listed_edited_and_deleted()
    {
        var maker = await Grid.PrincipalAsync("EnvironmentMaker");
        var first = await Grid.MachineAsync(maker.Api);
        var second = await Grid.MachineAsync(maker.Api);
        var third = await Grid.MachineAsync(maker.Api);
        var fallback = await Grid.CredentialAsync(maker.Api);
        var alpha = await Grid.CredentialAsync(maker.Api);
        var beta = await Grid.CredentialAsync(maker.Api);
        var name = Grid.Unique("mapping");

        var created = (await maker.Api.PostAsync("api/v1/mappings", new
        {
            name,
            description = "per-machine sign-in",
            defaultCredentialId = fallback,
            machines = new[] { new { machineId = first.Id, credentialIds = new[] { alpha } }, new { machineId = second.Id, credentialIds = new[] { alpha, beta } } },
        })).Is(HttpStatusCode.Created);
        var fetched = (await maker.Api.GetAsync($"api/v1/mappings/{created.Id}")).Is(HttpStatusCode.OK);
        var listed = (await maker.Api.GetAsync("api/v1/mappings")).Is(HttpStatusCode.OK);
        var added = (await maker.Api.PutAsync($"api/v1/mappings/{created.Id}/machines/{third.Id}", new { credentialIds = new[] { beta } })).Is(HttpStatusCode.OK);
        var removed = (await maker.Api.DeleteAsync($"api/v1/mappings/{created.Id}/machines/{first.Id}")).Is(HttpStatusCode.OK);
        (await maker.Api.DeleteAsync($"api/v1/mappings/{created.Id}")).Is(HttpStatusCode.NoContent);
        var gone = await maker.Api.GetAsync($"api/v1/mappings/{created.Id}");

        foreach (var mapping in new[] { created.Json, fetched.Json, Assert.Single(listed.Items) })
        {
            mapping.HasProperties("id", "name", "description", "defaultCredentialId", "machines", "owner", "access");
            Assert.Equal(name, mapping.GetProperty("name").GetString());
            Assert.Equal(fallback, mapping.GetProperty("defaultCredentialId").GetString());
            var machines = mapping.GetProperty("machines").EnumerateArray().ToDictionary(
                m => m.GetProperty("machineId").GetString()!,
                m => m.GetProperty("credentialIds").EnumerateArray().Select(c => c.GetString()!).ToArray());
            Assert.Equal([alpha], machines[first.Id]);
            Assert.Equal([alpha, beta], machines[second.Id]);
        }
        Assert.Equal(
            new[] { second.Id, third.Id }.Order(),
            removed.Json.GetProperty("machines").EnumerateArray().Select(m => m.GetProperty("machineId").GetString()).Order());
        Assert.Equal(3, added.Json.GetProperty("machines").GetArrayLength());
        gone.IsProblem(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_machine_belongs_to_one_mapping_at_most()
    {
        var machine = await Grid.MachineAsync();
        var credentialId = await Grid.CredentialAsync();
        await CreateAsync(credentialId, (machine.Id, credentialId));

        var refused = await Grid.Admin.PostAsync("api/v1/mappings", Body(credentialId, (machine.Id, credentialId)));

        refused.IsProblem(HttpStatusCode.Conflict, "MachineAlreadyMapped");
    }

    [Fact]
    public async Task A_credential_not_usable_in_connections_cannot_be_mapped()
    {
        var machine = await Grid.MachineAsync();
        var usable = await Grid.CredentialAsync();
        var unusable = await Grid.CredentialAsync(usableInConnections: false);

        var asDefault = await Grid.Admin.PostAsync("api/v1/mappings", Body(unusable, (machine.Id, usable)));
        var perMachine = await Grid.Admin.PostAsync("api/v1/mappings", Body(usable, (machine.Id, unusable)));

        asDefault.IsProblem(HttpStatusCode.UnprocessableEntity, "CredentialNotUsableInConnections");
        perMachine.IsProblem(HttpStatusCode.UnprocessableEntity, "CredentialNotUsableInConnections");
    }

    [Fact]
    public async Task A_mapping_cannot_list_another_mapping()
    {
        var credentialId = await Grid.CredentialAsync();
        var inner = await CreateAsync(credentialId, ((await Grid.MachineAsync()).Id, credentialId));
        var machine = await Grid.MachineAsync();

        var asDefault = await Grid.Admin.PostAsync("api/v1/mappings", Body(inner, (machine.Id, credentialId)));
        var perMachine = await Grid.Admin.PostAsync("api/v1/mappings", Body(credentialId, (machine.Id, inner)));

        asDefault.IsProblem(HttpStatusCode.UnprocessableEntity, "NestedMapping");
        perMachine.IsProblem(HttpStatusCode.UnprocessableEntity, "NestedMapping");
    }

    [Fact]
    public async Task An_exported_mapping_imports_by_name()
    {
        var machine = await Grid.MachineAsync();
        var fallback = await Grid.CredentialAsync();
        var mapped = await Grid.CredentialAsync();
        var original = await CreateAsync(fallback, (machine.Id, mapped));

        var document = (await Grid.Admin.GetAsync($"api/v1/mappings/{original}/export")).Is(HttpStatusCode.OK);
        (await Grid.Admin.DeleteAsync($"api/v1/mappings/{original}")).Is(HttpStatusCode.NoContent);
        var imported = (await Grid.Admin.PostAsync("api/v1/mappings/import", new { document = document.Json })).Is(HttpStatusCode.Created);

        document.Json.HasProperties("name", "defaultCredentialName", "machines");
        Assert.Equal(machine.Name, document.Json.GetProperty("machines")[0].GetProperty("machineName").GetString());
        Assert.NotEqual(original, imported.Id);
        Assert.Equal(fallback, imported.Text("defaultCredentialId"));
        var entry = Assert.Single(imported.Json.GetProperty("machines").EnumerateArray());
        Assert.Equal(machine.Id, entry.GetProperty("machineId").GetString());
        Assert.Equal(mapped, Assert.Single(entry.GetProperty("credentialIds").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Sharing_a_mapping_lets_the_principal_see_it_until_unshared()
    {
        var credentialId = await Grid.CredentialAsync();
        var mappingId = await CreateAsync(credentialId, ((await Grid.MachineAsync()).Id, credentialId));
        var user = await Grid.PrincipalAsync("MachineUser");

        (await Grid.Admin.PostAsync($"api/v1/mappings/{mappingId}/shares", new { principalId = user.Id, access = "User" })).Is(HttpStatusCode.NoContent);
        var shared = (await user.Api.GetAsync($"api/v1/mappings/{mappingId}")).Is(HttpStatusCode.OK).Json;
        var credentialViaMapping = (await user.Api.GetAsync($"api/v1/credentials/{credentialId}")).Is(HttpStatusCode.OK).Json;
        (await Grid.Admin.DeleteAsync($"api/v1/mappings/{mappingId}/shares/{user.Id}")).Is(HttpStatusCode.NoContent);
        var unshared = await user.Api.GetAsync($"api/v1/mappings/{mappingId}");

        Assert.Equal("User", shared.GetProperty("access").GetString());
        Assert.Equal("User", credentialViaMapping.GetProperty("access").GetString());
        unshared.IsProblem(HttpStatusCode.Forbidden, "Forbidden");
    }

    private async Task<string> CreateAsync(string defaultCredentialId, params (string MachineId, string CredentialId)[] machines) =>
        (await Grid.Admin.PostAsync("api/v1/mappings", Body(defaultCredentialId, machines))).Is(HttpStatusCode.Created).Id;

    private static object Body(string defaultCredentialId, params (string MachineId, string CredentialId)[] machines) => new
    {
        name = Grid.Unique("mapping"),
        defaultCredentialId,
        machines = machines.Select(m => new { machineId = m.MachineId, credentialIds = new[] { m.CredentialId } }).ToArray(),
    };
}
