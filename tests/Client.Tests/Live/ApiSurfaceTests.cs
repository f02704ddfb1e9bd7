using System.Net;
using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>Every client call against the real gateway: the paths, bodies and response shapes agree with the server.</summary>
[Collection(LiveGatewayCollection.Name)]
public sealed class ApiSurfaceTests(LiveGateway gateway)
{
    [Fact]
    public async Task Principals_are_created_with_roles_and_know_themselves()
    {
        var (client, principal) = await gateway.NewUserAsync("ops", EnvironmentRole.EnvironmentMaker, EnvironmentRole.MachineUser);

        var me = await client.GetMeAsync();

        Assert.StartsWith("mgk_", principal.ApiKey);
        Assert.Equal(principal.Id, me.Id);
        Assert.Equal(principal.Name, me.Name);
        Assert.Equal([EnvironmentRole.EnvironmentMaker, EnvironmentRole.MachineUser], me.Roles.Order());
    }

    [Fact]
    public async Task Groups_are_created_listed_read_updated_shared_and_deleted()
    {
        var maker = await gateway.NewMakerAsync();
        var (_, other) = await gateway.NewUserAsync("other", EnvironmentRole.MachineUser);
        var created = await maker.CreateGroupAsync(new CreateGroupRequest("g-" + Guid.NewGuid().ToString("N")[..8], "first"));

        var listed = await maker.GetAllGroupsAsync().ToListAsync();
        var updated = await maker.UpdateGroupAsync(created.Id, new UpdateGroupRequest(Description: "second", Maintenance: true));
        await maker.SetGroupPasswordAsync(created.Id, "password-1");
        await maker.ShareGroupAsync(created.Id, other.Id, ResourceAccess.User);
        await maker.UnshareGroupAsync(created.Id, other.Id);
        var read = await maker.GetGroupAsync(created.Id);
        var machines = await maker.ListGroupMachinesAsync(created.Id);
        var queue = await maker.GetGroupQueueAsync(created.Id);
        await maker.DeleteGroupAsync(created.Id);
        var gone = await Assert.ThrowsAsync<MachineGridException>(() => maker.GetGroupAsync(created.Id));

        Assert.Equal(ResourceAccess.Owner, created.Access);
        Assert.Contains(listed, g => g.Id == created.Id);
        Assert.Equal("second", updated.Description);
        Assert.True(updated.Maintenance);
        Assert.Equal(created.Name, read.Name);
        Assert.True(read.HasPassword);
        Assert.Empty(machines.Items);
        Assert.Empty(queue.Items);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal(ErrorCodes.NotFound, gone.Code);
    }

    [Fact]
    public async Task Machines_register_join_with_the_password_leave_and_are_deleted()
    {
        var maker = await gateway.NewMakerAsync();
        var (_, other) = await gateway.NewUserAsync("other", EnvironmentRole.MachineUser);
        var group = await maker.CreateGroupAsync(new CreateGroupRequest("g-" + Guid.NewGuid().ToString("N")[..8]));
        await maker.SetGroupPasswordAsync(group.Id, "right-password");

        var registered = await maker.RegisterMachineAsync(new RegisterMachineRequest("vm-" + group.Name, MachineKind.Server, "2.0.0", "Linux", "fp-" + group.Id, "a server", MaxSessions: 2));
        var wrong = await Assert.ThrowsAsync<MachineGridException>(() => maker.JoinGroupAsync(registered.Id, group.Id, "wrong-password"));
        await maker.JoinGroupAsync(registered.Id, group.Id, "right-password");
        var member = await maker.GetMachineAsync(registered.Id);
        var members = await maker.ListGroupMachinesAsync(group.Id);
        var notEmpty = await Assert.ThrowsAsync<MachineGridException>(() => maker.DeleteGroupAsync(group.Id));
        var updated = await maker.UpdateMachineAsync(registered.Id, new UpdateMachineRequest(Description: "renamed", MaxSessions: 4));
        var sharedInGroup = await Assert.ThrowsAsync<MachineGridException>(() => maker.ShareMachineAsync(registered.Id, other.Id, ResourceAccess.User));
        var listed = await maker.GetAllMachinesAsync().ToListAsync();
        await maker.LeaveGroupAsync(registered.Id);
        var left = await maker.GetMachineAsync(registered.Id);
        await maker.ShareMachineAsync(registered.Id, other.Id, ResourceAccess.User);
        await maker.UnshareMachineAsync(registered.Id, other.Id);
        await maker.DeleteMachineAsync(registered.Id);
        await maker.DeleteGroupAsync(group.Id);

        Assert.StartsWith($"mk.{registered.Id}.", registered.MachineKey);
        Assert.Equal(MachineKind.Server, registered.Kind);
        Assert.Equal(2, registered.MaxSessions);
        Assert.Equal((HttpStatusCode.Forbidden, ErrorCodes.WrongGroupPassword), (wrong.Status, wrong.Code));
        Assert.Equal(group.Id, member.GroupId);
        Assert.Equal(MachineStatus.Offline, member.Status);
        Assert.Equal("2.0.0", member.AgentVersion);
        Assert.Equal(ResourceAccess.Owner, member.Access);
        var listedMember = Assert.Single(members.Items);
        Assert.Equal((registered.Id, registered.Name, false), (listedMember.MachineId, listedMember.Name, listedMember.Online));
        Assert.Equal((HttpStatusCode.Conflict, ErrorCodes.GroupNotEmpty), (notEmpty.Status, notEmpty.Code));
        Assert.Equal(("renamed", 4), (updated.Description, updated.MaxSessions));
        Assert.Equal(ErrorCodes.InvalidState, sharedInGroup.Code);
        Assert.Contains(listed, m => m.Id == registered.Id);
        Assert.Null(left.GroupId);
    }

    [Fact]
    public async Task A_heartbeat_brings_a_machine_online_with_its_sessions()
    {
        var maker = await gateway.NewMakerAsync();
        var fingerprint = "fp-" + Guid.NewGuid().ToString("N");
        var registered = await maker.RegisterMachineAsync(new RegisterMachineRequest("vm-hb-" + fingerprint[..8], MachineKind.Desktop, "1.0.0", "Linux", fingerprint));
        var agent = gateway.Agent(registered.MachineKey);

        await agent.HeartbeatAsync(new HeartbeatRequest("instance-1", fingerprint, [new AgentSession("alice")]));
        var online = await maker.GetMachineAsync(registered.Id);
        var nothing = await agent.WaitForAssignmentAsync(TimeSpan.Zero);
        var clone = await Assert.ThrowsAsync<MachineGridException>(() => agent.HeartbeatAsync(new HeartbeatRequest("instance-2", fingerprint, [])));
        var wrongFingerprint = await Assert.ThrowsAsync<MachineGridException>(() => agent.HeartbeatAsync(new HeartbeatRequest("instance-1", "another", [])));

        Assert.Equal(MachineStatus.Online, online.Status);
        Assert.Equal([new MachineSession("alice")], online.Sessions!);
        Assert.NotNull(online.LastHeartbeat);
        Assert.Null(nothing);
        Assert.Equal(ErrorCodes.MachineIdentityConflict, clone.Code);
        Assert.True((int)wrongFingerprint.Status is >= 400 and < 500, wrongFingerprint.Message);
    }

    [Fact]
    public async Task Credentials_are_created_without_echoing_the_secret_shared_and_deleted()
    {
        var maker = await gateway.NewMakerAsync();
        var (_, other) = await gateway.NewUserAsync("other", EnvironmentRole.MachineUser);

        var created = await maker.CreateCredentialAsync(new CreateCredentialRequest("svc-" + Guid.NewGuid().ToString("N")[..8], "CORP\\svc", CredentialStore.Local, Secret: "never-shown"));
        var vault = await maker.CreateCredentialAsync(new CreateCredentialRequest("kv-" + Guid.NewGuid().ToString("N")[..8], "svc2", CredentialStore.AzureKeyVault, SecretRef: "https://vault/secrets/svc2", UsableInConnections: false));
        var read = await maker.GetCredentialAsync(created.Id);
        var listed = await maker.ListCredentialsAsync(limit: 200);
        await maker.ShareCredentialAsync(created.Id, other.Id, ResourceAccess.UserShare);
        await maker.UnshareCredentialAsync(created.Id, other.Id);
        await maker.DeleteCredentialAsync(vault.Id);
        var gone = await Assert.ThrowsAsync<MachineGridException>(() => maker.GetCredentialAsync(vault.Id));

        Assert.Equal(("CORP\\svc", CredentialStore.Local, true), (read.Username, read.Store, read.UsableInConnections));
        Assert.Equal(("https://vault/secrets/svc2", false), (vault.SecretRef, vault.UsableInConnections));
        Assert.Contains(listed.Items, c => c.Id == created.Id);
        Assert.Equal(ErrorCodes.NotFound, gone.Code);
    }

    [Fact]
    public async Task Mappings_are_edited_exported_and_imported_by_name()
    {
        var maker = await gateway.NewMakerAsync();
        var (_, other) = await gateway.NewUserAsync("other", EnvironmentRole.MachineUser);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var machine = await maker.RegisterMachineAsync(new RegisterMachineRequest("vm-map-" + suffix, MachineKind.Desktop, "1.0.0", "Linux", "fp-map-" + suffix));
        var first = await maker.CreateCredentialAsync(new CreateCredentialRequest("first-" + suffix, "u1", CredentialStore.Local, Secret: "p1"));
        var second = await maker.CreateCredentialAsync(new CreateCredentialRequest("second-" + suffix, "u2", CredentialStore.Local, Secret: "p2"));
        var unusable = await maker.CreateCredentialAsync(new CreateCredentialRequest("unusable-" + suffix, "u3", CredentialStore.Local, Secret: "p3", UsableInConnections: false));

        var mapping = await maker.CreateMappingAsync(new CreateMappingRequest("map-" + suffix, first.Id, [new MachineCredentials(machine.Id, [first.Id])], "mapping"));
        var notUsable = await Assert.ThrowsAsync<MachineGridException>(() => maker.CreateMappingAsync(new CreateMappingRequest("bad-" + suffix, unusable.Id, [])));
        var edited = await maker.SetMappingMachineAsync(mapping.Id, machine.Id, [second.Id]);
        await maker.ShareMappingAsync(mapping.Id, other.Id, ResourceAccess.User);
        await maker.UnshareMappingAsync(mapping.Id, other.Id);
        var document = await maker.ExportMappingAsync(mapping.Id);
        var listed = await maker.ListMappingsAsync();
        await maker.DeleteMappingAsync(mapping.Id);
        var imported = await maker.ImportMappingAsync(document);
        await maker.RemoveMappingMachineAsync(imported.Id, machine.Id);
        var emptied = await maker.GetMappingAsync(imported.Id);

        Assert.Equal([second.Id], Assert.Single(edited.Machines).CredentialIds);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, ErrorCodes.CredentialNotUsableInConnections), (notUsable.Status, notUsable.Code));
        Assert.Equal(("map-" + suffix, "mapping", first.Name), (document.Name, document.Description, document.DefaultCredentialName));
        var exported = Assert.Single(document.Machines);
        Assert.Equal(machine.Name, exported.MachineName);
        Assert.Equal([second.Name], exported.CredentialNames);
        Assert.Contains(listed.Items, m => m.Id == mapping.Id);
        Assert.NotEqual(mapping.Id, imported.Id);
        Assert.Equal(first.Id, imported.DefaultCredentialId);
        var importedMachine = Assert.Single(imported.Machines);
        Assert.Equal(machine.Id, importedMachine.MachineId);
        Assert.Equal([second.Id], importedMachine.CredentialIds);
        Assert.Empty(emptied.Machines);
    }

    [Fact]
    public async Task Queued_runs_are_listed_reprioritized_moved_cancelled_and_awaited()
    {
        var maker = await gateway.NewMakerAsync();
        var fleet = await gateway.NewFleetAsync(maker, machines: 1);
        var (credential, connection) = await LiveGateway.ConnectAsync(maker, fleet, "svc");
        var key = "order-" + Guid.NewGuid().ToString("N");

        // No agent runs, so the machine stays offline and the runs wait in the queue.
        var a = await maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "flow-a", Priority: RunPriority.Low, IdempotencyKey: key));
        var again = await maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "flow-a", Priority: RunPriority.Low, IdempotencyKey: key));
        var b = await maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "flow-b"));
        var c = await maker.SubmitRunAsync(new SubmitRunRequest(connection.Id, "flow-c"));
        var queued = await maker.GetGroupQueueAsync(fleet.Group.Id);
        var raised = await maker.SetRunPriorityAsync(a.Id, RunPriority.High);
        var moved = await maker.MoveRunToTopAsync(c.Id);
        var reordered = await maker.GetGroupQueueAsync(fleet.Group.Id);
        var firstPage = await maker.ListRunsAsync(new RunQuery(GroupId: fleet.Group.Id, Status: RunStatus.Queued, Limit: 2));
        var all = await maker.GetAllRunsAsync(new RunQuery(GroupId: fleet.Group.Id, Limit: 2)).ToListAsync();
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => maker.WaitForRunAsync(b.Id, TimeSpan.FromMilliseconds(300)));
        var cancelled = await maker.CancelRunAsync(b.Id);
        var awaited = await maker.WaitForRunAsync(b.Id, TimeSpan.FromSeconds(5));
        var queuedAfter = await maker.ListRunsAsync(new RunQuery(GroupId: fleet.Group.Id, Status: RunStatus.Queued));
        var connectionRead = await maker.GetConnectionAsync(connection.Id);

        Assert.Equal(RunStatus.Queued, a.Status);
        Assert.Equal(a.Id, again.Id);
        Assert.Equal([b.Id, c.Id, a.Id], queued.Items.Select(q => q.RunId));
        Assert.Equal(RunPriority.High, raised.Priority);
        Assert.Equal(c.Id, moved.Id);
        Assert.Equal(c.Id, reordered.Items[0].RunId);
        Assert.Equal([1, 2, 3], reordered.Items.Select(q => q.Position));
        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.Next);
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), all.Select(r => r.Id).Order());
        Assert.Contains("Queued", timeout.Message);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Equal(RunStatus.Cancelled, awaited.Status);
        Assert.Equal(new[] { a.Id, c.Id }.Order(), queuedAfter.Items.Select(r => r.Id).Order());
        Assert.Equal((ConnectionStatus.Connected, fleet.Group.Id), (connectionRead.Status, connectionRead.Target.GroupId));
    }

    [Fact]
    public async Task Auth_failures_and_missing_resources_are_typed_problems()
    {
        var (plain, _) = await gateway.NewUserAsync("plain", EnvironmentRole.MachineUser);
        using var stranger = new MachineGridClient(gateway.Http, "mgk_" + new string('x', 43));
        var agentOnUserApi = new MachineGridClient(gateway.Http, "mk.m-nope.secret");

        var forbidden = await Assert.ThrowsAsync<MachineGridException>(() => plain.RegisterMachineAsync(new RegisterMachineRequest("vm", MachineKind.Desktop, "1", "Linux", "fp")));
        var unknownKey = await Assert.ThrowsAsync<MachineGridException>(() => stranger.GetMeAsync());
        var notFound = await Assert.ThrowsAsync<MachineGridException>(() => gateway.Admin.GetRunAsync("r-does-not-exist"));
        var userKeyOnAgentApi = await Assert.ThrowsAsync<MachineGridException>(() => gateway.Agent("mgk_" + new string('y', 43)).WaitForAssignmentAsync(TimeSpan.Zero));
        var machineKeyOnUserApi = await Assert.ThrowsAsync<MachineGridException>(() => agentOnUserApi.GetMeAsync());

        Assert.Equal((HttpStatusCode.Forbidden, ErrorCodes.Forbidden), (forbidden.Status, forbidden.Code));
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.Status);
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.NotFound), (notFound.Status, notFound.Code));
        Assert.True(userKeyOnAgentApi.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, userKeyOnAgentApi.Message);
        Assert.True(machineKeyOnUserApi.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, machineKeyOnUserApi.Message);
    }
}
