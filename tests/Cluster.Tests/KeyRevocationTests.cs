using MachineGrid.Gateway;

namespace MachineGrid.Cluster.Tests;

/// <summary>A key deleted through one silo's gateway stops signing in on the others at once, though they had it cached.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class KeyRevocationTests(SharedCluster shared)
{
    [Fact]
    public async Task A_key_revoked_through_silo_A_is_refused_by_silo_B_on_the_next_request()
    {
        var (a, b, c) = (shared.Cluster.Silos[0], shared.Cluster.Silos[1], shared.Cluster.Silos[2]);
        var admin = Actors.Admin();
        var principal = a.Grains.GetGrain<IPrincipalGrain>(Ids.New("p"));
        var created = await principal.Create(admin, "user", EnvironmentRoles.MachineOwner);
        var header = $"Bearer {created.ApiKey}";
        // Signed in on B and C, which now serve the key from their caches.
        foreach (var gateway in new[] { b, c })
        {
            var caller = await gateway.Keys.AuthenticateAsync(header);
            Assert.Equal(created.Principal.Id, caller?.FindFirst(GridClaims.PrincipalId)?.Value);
        }

        await principal.Delete(admin);

        Assert.Null(await b.Keys.AuthenticateAsync(header));
        Assert.Null(await c.Keys.AuthenticateAsync(header));
        Assert.Null(await a.Keys.AuthenticateAsync(header));
    }

    [Fact]
    public async Task Gateways_hear_of_a_revocation_from_a_hub_that_lost_its_activation_before_they_renewed()
    {
        var (a, b) = (shared.Cluster.Silos[0], shared.Cluster.Silos[1]);
        var admin = Actors.Admin();
        var principal = a.Grains.GetGrain<IPrincipalGrain>(Ids.New("p"));
        var created = await principal.Create(admin, "user", EnvironmentRoles.MachineOwner);
        var header = $"Bearer {created.ApiKey}";
        Assert.NotNull(await b.Keys.AuthenticateAsync(header));
        var hub = a.Grains.GetGrain<IKeyRevocationHubGrain>("environment");
        Assert.NotNull(shared.Cluster.WhereIs(hub));

        // The hub's memory is gone, as after a crash of its silo; the gateways renew only every 20 s.
        await shared.Cluster.Cluster.DeactivateAsync(hub);
        await principal.Delete(admin);

        Assert.Null(await b.Keys.AuthenticateAsync(header));
    }
}
