using System.Net;
using MachineGrid.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class KeyRevocationTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly Actor Admin = new(BootstrapAdmin.PrincipalId, "admin", EnvironmentRoles.EnvironmentAdmin);

    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task A_deleted_machines_key_is_refused_on_the_very_next_request()
    {
        var machine = await Grid.MachineAsync();
        await Grid.HeartbeatAsync(machine);

        (await Grid.Admin.DeleteAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.NoContent);
        var next = await machine.Agent.GetAsync("api/v1/agent/assignments?waitSeconds=0");

        next.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    [Fact]
    public async Task A_deleted_principals_key_is_refused_on_the_very_next_request_and_other_keys_still_sign_in()
    {
        var principal = await Grid.PrincipalAsync("MachineUser");
        var other = await Grid.PrincipalAsync("MachineUser");
        (await principal.Api.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
        (await other.Api.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);

        await fixture.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPrincipalGrain>(principal.Id).Delete(Admin);
        var next = await principal.Api.GetAsync("api/v1/me");

        next.IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");
        Assert.Equal(other.Id, (await other.Api.GetAsync("api/v1/me")).Is(HttpStatusCode.OK).Id);
    }

    [Fact]
    public async Task Only_an_admin_may_delete_a_principal_and_no_one_may_delete_themself()
    {
        var principal = await Grid.PrincipalAsync("MachineUser");
        var grains = fixture.Host.Services.GetRequiredService<IGrainFactory>();
        var byUser = new Actor(principal.Id, "user", EnvironmentRoles.MachineUser);

        var refused = await Assert.ThrowsAsync<DomainException>(() => grains.GetGrain<IPrincipalGrain>(principal.Id).Delete(byUser));
        var self = await Assert.ThrowsAsync<DomainException>(() => grains.GetGrain<IPrincipalGrain>(BootstrapAdmin.PrincipalId).Delete(Admin));

        Assert.Equal(DomainErrorCode.Forbidden, refused.Code);
        Assert.Equal(DomainErrorCode.InvalidState, self.Code);
        (await principal.Api.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
        (await Grid.Admin.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
    }
}
