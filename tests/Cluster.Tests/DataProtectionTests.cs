using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Cluster.Tests;

/// <summary>Data Protection keys live in the database, so what one silo encrypts every other decrypts.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class DataProtectionTests(SharedCluster shared)
{
    [Fact]
    public async Task A_credential_encrypted_on_silo_A_is_decrypted_on_silo_B_for_the_agent_of_its_run()
    {
        var cluster = shared.Cluster;
        var (a, b) = (cluster.Silos[0], cluster.Silos[1]);
        var fleet = new Fleet(cluster, Actors.Owner());
        var credentialId = await fleet.CreateCredentialOnAsync(a, "alice", "secret encrypted on A");
        var credential = b.Grains.GetGrain<ICredentialGrain>(credentialId);
        Assert.Equal(a.Address, cluster.WhereIs(credential));
        await cluster.MigrateAsync(credential, b);

        var groupId = await fleet.CreateGroupOnAsync(b);
        var machineId = await fleet.AddMachineOnAsync(b, groupId);
        var runId = await fleet.SubmitAsync(b, await fleet.ConnectAsync(b, groupId, credentialId));
        var assignment = Assert.Single(await b.Grains.GetGrain<IMachineGrain>(machineId).WaitForAssignments(1, TimeSpan.FromSeconds(5)));
        Assert.Equal(runId, assignment.RunId);
        // The run hears of its assignment by a one-way message, which may still be on its way (as the gateway's agent API retries).
        string? secret = null;
        await Eventually.True(async () =>
        {
            try
            {
                secret = await credential.ResolveSecret(machineId, runId);
                return true;
            }
            catch (DomainException ex) when (ex.Code == DomainErrorCode.Forbidden)
            {
                return false;
            }
        }, $"run {runId} was assigned to {machineId} with {credentialId}");

        Assert.Equal("secret encrypted on A", secret);
        Assert.Equal(b.Address, cluster.WhereIs(credential));
    }

    [Fact]
    public void What_any_silo_protects_every_silo_unprotects()
    {
        var silos = shared.Cluster.Silos;
        foreach (var protecting in silos)
        {
            var payload = Protector(protecting).Protect($"from {protecting.Name}");
            Assert.All(silos, unprotecting => Assert.Equal($"from {protecting.Name}", Protector(unprotecting).Unprotect(payload)));
        }
    }

    private static IDataProtector Protector(SiloNode silo) =>
        silo.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("MachineGrid.Cluster.Tests");
}
