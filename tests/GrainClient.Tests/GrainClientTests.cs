using MachineGrid.Grains;

namespace MachineGrid.GrainClient.Tests;

/// <summary>Another .NET service uses the grid through a grain client, as README shows, and goes through the same permission checks as REST.</summary>
public sealed class GrainClientTests(SiloUnderTest silo) : IClassFixture<SiloUnderTest>
{
    [Fact]
    public async Task A_service_with_an_admin_key_submits_a_run_and_reads_its_group()
    {
        var grains = await silo.ClientAsync(silo.AdminKey);
        var admin = silo.Admin;
        var groupId = Ids.New("g");
        var credentialId = Ids.New("c");
        var connectionId = Ids.New("cn");
        var runId = Ids.New("r");

        await grains.GetGrain<IMachineGroupGrain>(groupId).Create(admin, new CreateGroup("from a service", null));
        await grains.GetGrain<ICredentialGrain>(credentialId).Create(admin, new CreateCredential("robot", "robot", CredentialStore.Local, "s3cret-pass", null, true));
        await grains.GetGrain<IConnectionGrain>(connectionId).Create(admin, new CreateConnection("conn", new ConnectionTarget(null, groupId), credentialId, null));
        var run = await grains.GetGrain<IRunGrain>(runId).Submit(admin, new SubmitRun(connectionId, "flow-1", "{\"a\":1}", RunMode.Unattended));

        Assert.Equal(RunStatus.Queued, run.Status);
        var group = await grains.GetGrain<IMachineGroupGrain>(groupId).Get(admin);
        Assert.Equal(1, group.QueuedCount);
        var queue = await grains.GetGrain<IMachineGroupGrain>(groupId).GetQueue(admin);
        Assert.Equal(runId, Assert.Single(queue).RunId);
    }

    [Fact]
    public async Task A_service_may_act_only_as_its_keys_principal_with_its_roles()
    {
        var admin = await silo.ClientAsync(silo.AdminKey);
        var makerId = Ids.New("p");
        var created = await admin.GetGrain<IPrincipalGrain>(makerId).Create(silo.Admin, "maker", EnvironmentRoles.EnvironmentMaker);
        var maker = new Actor(makerId, "maker", EnvironmentRoles.EnvironmentMaker);
        var grains = await silo.ClientAsync(created.ApiKey);

        var ownGroup = await grains.GetGrain<IMachineGroupGrain>(Ids.New("g")).Create(maker, new CreateGroup("mine", null));
        Assert.Equal(makerId, ownGroup.Owner.Id);

        var raised = await Assert.ThrowsAsync<DomainException>(() =>
            grains.GetGrain<IPrincipalGrain>(Ids.New("p")).Create(maker with { Roles = EnvironmentRoles.EnvironmentAdmin }, "intruder", EnvironmentRoles.EnvironmentAdmin));
        Assert.Equal(DomainErrorCode.Forbidden, raised.Code);
        var impersonated = await Assert.ThrowsAsync<DomainException>(() =>
            grains.GetGrain<IMachineGroupGrain>(Ids.New("g")).Create(silo.Admin, new CreateGroup("as the admin", null)));
        Assert.Equal(DomainErrorCode.Forbidden, impersonated.Code);
    }

    [Fact]
    public async Task A_client_without_a_valid_key_is_refused()
    {
        var anonymous = await silo.ClientAsync(apiKey: null);
        var missing = await Assert.ThrowsAsync<DomainException>(() => anonymous.GetGrain<IMachineGroupGrain>(Ids.New("g")).Create(silo.Admin, new CreateGroup("x", null)));
        Assert.Equal(DomainErrorCode.Unauthenticated, missing.Code);

        var guessing = await silo.ClientAsync("mgk_not-a-key");
        var wrong = await Assert.ThrowsAsync<DomainException>(() => guessing.GetGrain<IMachineGroupGrain>(Ids.New("g")).Create(silo.Admin, new CreateGroup("x", null)));
        Assert.Equal(DomainErrorCode.Unauthenticated, wrong.Code);
    }

    [Fact]
    public async Task Methods_meant_for_grains_are_refused_to_clients_even_with_an_admin_key()
    {
        var grains = await silo.ClientAsync(silo.AdminKey);
        var groupId = Ids.New("g");
        await grains.GetGrain<IMachineGroupGrain>(groupId).Create(silo.Admin, new CreateGroup("g", null));

        var refused = await Assert.ThrowsAsync<DomainException>(() => grains.GetGrain<IMachineGroupGrain>(groupId).RunsIn(RunStatus.Queued));
        Assert.Equal(DomainErrorCode.Forbidden, refused.Code);
        var offer = await Assert.ThrowsAsync<DomainException>(() => grains.GetGrain<IPrincipalGrain>("p-admin").Bootstrap("admin", "mgk_takeover"));
        Assert.Equal(DomainErrorCode.Forbidden, offer.Code);
    }

    [Fact]
    public async Task A_deleted_principals_key_stops_working_on_its_next_call()
    {
        var admin = await silo.ClientAsync(silo.AdminKey);
        var userId = Ids.New("p");
        var created = await admin.GetGrain<IPrincipalGrain>(userId).Create(silo.Admin, "leaver", EnvironmentRoles.EnvironmentMaker);
        var leaver = new Actor(userId, "leaver", EnvironmentRoles.EnvironmentMaker);
        var grains = await silo.ClientAsync(created.ApiKey);
        Assert.Equal(userId, (await grains.GetGrain<IPrincipalGrain>(userId).Get(leaver)).Id);

        await admin.GetGrain<IPrincipalGrain>(userId).Delete(silo.Admin);

        var refused = await Assert.ThrowsAsync<DomainException>(() => grains.GetGrain<IPrincipalGrain>(userId).Get(leaver));
        Assert.Equal(DomainErrorCode.Unauthenticated, refused.Code);
    }
}
