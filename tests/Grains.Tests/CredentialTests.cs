using System.Text;
using System.Text.Json;
using Xunit;
using static MachineGrid.Grains.Tests.CredentialScenarios;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridB.Name)]
public sealed class CredentialTests(SharedGrid shared)
{
    private const string KeyVaultRef = "https://robots.vault.azure.net/secrets/robot-password";

    [Fact]
    public async Task A_secret_is_never_returned_audited_or_stored_in_plaintext()
    {
        var data = GridSilo.NewDataDirectory();
        var silo = await GridSilo.StartAsync(data);
        var grid = new Grid(silo, Actors.Owner());
        var sharer = Actors.Sharer();
        var machine = await grid.RegisterAsync("robot-1");
        var id = Ids.New("cred");
        var credential = grid.Credential(id);
        var secret = $"Plain-{Guid.NewGuid():N}";

        var created = await credential.Create(grid.Owner, new CreateCredential("robot", "svc-robot", CredentialStore.Local, secret, null, true));
        await credential.Share(grid.Owner, sharer.Id, ResourceAccess.UserShare);
        await grid.Machine(machine).ReportCredentialFailure(id, "wrong password");
        var duplicate = await Refused(() => credential.Create(grid.Owner, new CreateCredential("robot", "svc-robot", CredentialStore.Local, secret, null, true)));
        var views = new object?[]
        {
            created,
            await credential.Get(grid.Owner),
            await credential.Get(sharer),
            await credential.Get(Actors.Admin),
            await credential.AccessOf(sharer),
            await credential.OptionForConnections(),
            duplicate.Message,
            await grid.Grains.GetGrain<IAuditLogGrain>("audit").Read(Actors.Admin, null, 1000),
        };
        await silo.DisposeAsync();

        foreach (var view in views)
        {
            Assert.DoesNotContain(secret, JsonSerializer.Serialize(view));
        }
        Assert.Equal("svc-robot", created.Username);
        Assert.Null(created.SecretRef);
        var stored = new List<string>();
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            stored.Add(Encoding.UTF8.GetString(bytes));
            stored.Add(Encoding.Unicode.GetString(bytes));
        }
        Assert.Contains(stored, text => text.Contains("svc-robot"));
        Assert.DoesNotContain(stored, text => text.Contains(secret));
    }

    [Theory]
    [InlineData(CredentialStore.Local, null)]
    [InlineData(CredentialStore.AzureKeyVault, "akv:" + KeyVaultRef)]
    [InlineData(CredentialStore.CyberArk, "cyberark:RobotSafe/robot-account")]
    public async Task Only_the_machine_a_run_is_assigned_to_resolves_the_secret(CredentialStore store, string? expected)
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 2);
        var credentialId = Ids.New("cred");
        var secretRef = expected?[(expected.IndexOf(':') + 1)..];
        var secret = store == CredentialStore.Local ? SecretOf("robot") : null;
        await grid.Credential(credentialId).Create(grid.Owner, new CreateCredential("robot", "svc-robot", store, secret, secretRef, true));
        var connection = Ids.New("conn");
        await grid.Connection(connection).Create(grid.Owner, new CreateConnection("robots", new ConnectionTarget(null, group), credentialId, null));
        var runId = Ids.New("r");
        await grid.RunGrain(runId).Submit(grid.Owner, new SubmitRun(connection, "flow", null, RunMode.Unattended));
        var assigned = await AssignedMachineAsync(grid, machines);
        var other = machines.Single(m => m != assigned);
        await grid.Machine(assigned).StartRun(runId);

        var resolved = await grid.Credential(credentialId).ResolveSecret(assigned, runId);
        var wrongMachine = await Refused(() => grid.Credential(credentialId).ResolveSecret(other, runId));
        var unknownRun = await Refused(() => grid.Credential(credentialId).ResolveSecret(assigned, Ids.New("r")));

        Assert.Equal(expected ?? SecretOf("robot"), resolved);
        Assert.Equal(DomainErrorCode.Forbidden, wrongMachine.Code);
        Assert.Equal(DomainErrorCode.Forbidden, unknownRun.Code);
    }

    [Fact]
    public async Task A_credential_deleted_and_created_again_under_its_id_resolves_its_new_secret()
    {
        await using var fleet = await OneMachineFleet.StartAsync(Actors.Owner());
        var (grid, group, machines) = (fleet.Grid, fleet.Group, new[] { fleet.Machine });
        var credentialId = Ids.New("cred");
        await grid.Credential(credentialId).Create(grid.Owner, new CreateCredential("robot", "svc-robot", CredentialStore.Local, SecretOf("first"), null, true));
        var connection = Ids.New("conn");
        await grid.Connection(connection).Create(grid.Owner, new CreateConnection("robots", new ConnectionTarget(null, group), credentialId, null));
        var first = await grid.SubmitAsync(connection);
        await grid.StartPlacedRunAsync(machines[0], first);
        var firstSecret = await grid.Credential(credentialId).ResolveSecret(machines[0], first);
        var again = await grid.Credential(credentialId).ResolveSecret(machines[0], first);
        await grid.Machine(machines[0]).CompleteRun(first, true, null, null);

        await grid.Credential(credentialId).Delete(grid.Owner);
        await grid.Credential(credentialId).Create(grid.Owner, new CreateCredential("robot", "svc-robot", CredentialStore.Local, SecretOf("second"), null, true));
        var second = await grid.SubmitAsync(connection);
        await grid.StartPlacedRunAsync(machines[0], second);
        var secondSecret = await grid.Credential(credentialId).ResolveSecret(machines[0], second);

        Assert.Equal((SecretOf("first"), SecretOf("first")), (firstSecret, again));
        Assert.Equal(SecretOf("second"), secondSecret);
    }

    [Fact]
    public async Task Deleting_one_credential_of_a_mapping_keeps_its_runs_for_the_credentials_left_and_ends_those_left_with_none()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 2);
        await grid.Group(group).Update(grid.Owner, new UpdateGroup(null, null, true));
        var doomed = await grid.CreateCredentialAsync("doomed");
        var spare = await grid.CreateCredentialAsync("spare");
        var mapping = Ids.New("map");
        await grid.Grains.GetGrain<IMachineMappingGrain>(mapping).Create(grid.Owner, new CreateMapping("robots", null, doomed, [new MachineCredentials(machines[0], [doomed, spare])]));
        var viaMapping = Ids.New("conn");
        await grid.Connection(viaMapping).Create(grid.Owner, new CreateConnection("mapped", new ConnectionTarget(null, group), null, mapping));
        var keeps = await grid.SubmitAsync(viaMapping);
        var ends = await grid.SubmitAsync(await grid.ConnectAsync(group, doomed));

        await grid.Credential(doomed).Delete(grid.Owner);
        await Eventually.True(async () => (await grid.RunGrain(ends).Get(grid.Owner)).Status == RunStatus.Cancelled, "the run with only the deleted credential ended");
        await grid.Group(group).Update(grid.Owner, new UpdateGroup(null, null, false));
        await Eventually.True(async () => (await grid.RunGrain(keeps).Get(grid.Owner)).Status == RunStatus.Assigned, "the mapped run was assigned");

        var ended = await grid.RunGrain(ends).Get(grid.Owner);
        Assert.Equal(RunStatusReason.CredentialDeleted, ended.StatusReason);
        Assert.Equal($"Credential 'credential doomed' ({doomed}) was deleted.", ended.Error);
        var placed = await grid.RunGrain(keeps).Get(grid.Owner);
        Assert.Equal((machines[0], "spare"), (placed.MachineId, placed.Credential?.Username));
    }

    [Fact]
    public async Task A_run_enqueued_after_its_only_credential_was_deleted_is_refused_naming_it()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var doomed = await grid.CreateCredentialAsync("doomed");
        var spare = await grid.CreateCredentialAsync("spare");
        var option = await grid.Credential(doomed).OptionForConnections();
        var spareOption = await grid.Credential(spare).OptionForConnections();
        await grid.Credential(doomed).Delete(grid.Owner);

        // As a run routed just before the deletion would: its plan still offers the credential.
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            grid.Group(group).Enqueue(grid.Run(new CredentialPlan(doomed, option, new Dictionary<string, IReadOnlyList<CredentialOption>>()))));
        await grid.Group(group).Enqueue(grid.Run(new CredentialPlan("map-1", option, new Dictionary<string, IReadOnlyList<CredentialOption>> { ["m-1"] = [spareOption] })));

        Assert.Equal(DomainErrorCode.NotFound, refused.Code);
        Assert.Contains(doomed, refused.Message);
        Assert.Single(await grid.Group(group).GetQueue(grid.Owner));
    }

    [Fact]
    public async Task A_Local_credential_needs_a_secret_and_a_vault_credential_needs_a_reference()
    {
        var grid = shared.NewGrid();
        var requests = new[]
        {
            new CreateCredential("c", "u", CredentialStore.Local, null, null, true),
            new CreateCredential("c", "u", CredentialStore.Local, "", null, true),
            new CreateCredential("c", "u", CredentialStore.Local, "secret", KeyVaultRef, true),
            new CreateCredential("c", "u", CredentialStore.AzureKeyVault, null, null, true),
            new CreateCredential("c", "u", CredentialStore.AzureKeyVault, "secret", KeyVaultRef, true),
            new CreateCredential("c", "u", CredentialStore.AzureKeyVault, null, "not a uri", true),
            new CreateCredential("c", "u", CredentialStore.AzureKeyVault, null, "http://robots.vault.azure.net/secrets/x", true),
            new CreateCredential("c", "u", CredentialStore.CyberArk, null, null, true),
            new CreateCredential("c", "u", CredentialStore.CyberArk, "secret", "Safe/object", true),
            new CreateCredential("c", "u", CredentialStore.CyberArk, null, "no-object", true),
            new CreateCredential("c", "u", CredentialStore.CyberArk, null, "a/b/c", true),
        };

        foreach (var request in requests)
        {
            var id = Ids.New("cred");
            var error = await Refused(() => grid.Credential(id).Create(grid.Owner, request));
            Assert.Equal(DomainErrorCode.Validation, error.Code);
            Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Credential(id).Get(grid.Owner))).Code);
        }
        var vault = await grid.Credential(Ids.New("cred")).Create(grid.Owner, new CreateCredential("v", "u", CredentialStore.AzureKeyVault, null, KeyVaultRef, true));
        var cyberArk = await grid.Credential(Ids.New("cred")).Create(grid.Owner, new CreateCredential("a", "u", CredentialStore.CyberArk, null, "RobotSafe/robot", false));
        Assert.Equal(KeyVaultRef, vault.SecretRef);
        Assert.Equal("RobotSafe/robot", cyberArk.SecretRef);
    }

    [Fact]
    public async Task Creating_a_credential_twice_is_AlreadyExists_and_keeps_the_first()
    {
        var grid = shared.NewGrid();
        var id = await grid.CredentialAsync("first");

        var error = await Refused(() => grid.Credential(id).Create(Actors.Owner(), new CreateCredential("second", "u", CredentialStore.Local, "s", null, true)));

        Assert.Equal(DomainErrorCode.AlreadyExists, error.Code);
        var view = await grid.Credential(id).Get(grid.Owner);
        Assert.Equal("first", view.Name);
        Assert.Equal(grid.Owner.Ref, view.Owner);
    }

    [Fact]
    public async Task Creating_a_credential_needs_a_role_that_may_create_credentials()
    {
        var grid = shared.NewGrid();
        var id = Ids.New("cred");

        var error = await Refused(() => grid.CredentialAsync("mine", owner: Actors.User()));
        var made = await grid.Credential(id).Create(Actors.Maker(), new CreateCredential("made", "u", CredentialStore.Local, "s", null, true));

        Assert.Equal(DomainErrorCode.Forbidden, error.Code);
        Assert.Equal(ResourceAccess.Owner, made.Access);
    }

    [Fact]
    public async Task A_User_can_use_a_credential_but_not_share_delete_or_clear_failures()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var user = Actors.Sharer();
        await grid.Machine(machine).Share(grid.Owner, user.Id, ResourceAccess.User);
        var id = await grid.CredentialAsync("robot");
        await grid.Credential(id).Share(grid.Owner, user.Id, ResourceAccess.User);

        var connection = await grid.Connection(Ids.New("conn")).Create(user, new CreateConnection("mine", new ConnectionTarget(machine, null), id, null));
        var share = await Refused(() => grid.Credential(id).Share(user, Actors.User().Id, ResourceAccess.User));
        var delete = await Refused(() => grid.Credential(id).Delete(user));
        var clear = await Refused(() => grid.Credential(id).ClearFailure(user, machine));

        Assert.Equal(id, connection.CredentialId);
        Assert.All([share, delete, clear], e => Assert.Equal(DomainErrorCode.Forbidden, e.Code));
        Assert.Equal(ResourceAccess.User, (await grid.Credential(id).Get(user)).Access);
    }

    [Fact]
    public async Task A_UserShare_holder_can_share_up_to_its_own_level_but_not_delete()
    {
        var grid = shared.NewGrid();
        var sharer = Actors.Sharer();
        var friend = Actors.User();
        var id = await grid.CredentialAsync("robot");
        await grid.Credential(id).Share(grid.Owner, sharer.Id, ResourceAccess.UserShare);

        await grid.Credential(id).Share(sharer, friend.Id, ResourceAccess.User);
        var above = await Refused(() => grid.Credential(id).Share(sharer, Actors.User().Id, ResourceAccess.CoOwner));
        var delete = await Refused(() => grid.Credential(id).Delete(sharer));

        Assert.Equal(ResourceAccess.User, await grid.Credential(id).AccessOf(friend));
        Assert.Equal(DomainErrorCode.Forbidden, above.Code);
        Assert.Equal(DomainErrorCode.Forbidden, delete.Code);
    }

    [Fact]
    public async Task A_CoOwner_can_share_clear_failures_and_delete()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var coOwner = Actors.Owner();
        var id = await grid.CredentialAsync("robot");
        await grid.Credential(id).Share(grid.Owner, coOwner.Id, ResourceAccess.CoOwner);
        await grid.Machine(machine).ReportCredentialFailure(id, "locked out");
        // The machine tells the credential one-way: wait until the credential has it.
        await Eventually.True(async () => (await grid.Credential(id).Get(coOwner)).Failures.Count > 0, "the failure reached the credential");
        var failed = await grid.Credential(id).Get(coOwner);

        await grid.Credential(id).Share(coOwner, Actors.User().Id, ResourceAccess.CoOwner);
        await grid.Credential(id).ClearFailure(coOwner, machine);
        var cleared = await grid.Credential(id).Get(coOwner);
        await grid.Credential(id).Delete(coOwner);

        var failure = Assert.Single(failed.Failures);
        Assert.Equal((machine, "locked out"), (failure.MachineId, failure.Reason));
        Assert.Empty(cleared.Failures);
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Credential(id).Get(grid.Owner))).Code);
    }

    [Fact]
    public async Task Without_access_every_credential_operation_is_Forbidden()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var stranger = Actors.Owner();
        await grid.Machine(machine).Share(grid.Owner, stranger.Id, ResourceAccess.CoOwner);
        var id = await grid.CredentialAsync("robot");

        var refusals = new[]
        {
            await Refused(() => grid.Credential(id).Get(stranger)),
            await Refused(() => grid.Credential(id).Share(stranger, stranger.Id, ResourceAccess.User)),
            await Refused(() => grid.Credential(id).Unshare(stranger, grid.Owner.Id)),
            await Refused(() => grid.Credential(id).Delete(stranger)),
            await Refused(() => grid.Credential(id).ClearFailure(stranger, machine)),
            await Refused(() => grid.Connection(Ids.New("conn")).Create(stranger, new CreateConnection("c", new ConnectionTarget(machine, null), id, null))),
        };

        Assert.All(refusals, e => Assert.Equal(DomainErrorCode.Forbidden, e.Code));
        Assert.Null(await grid.Credential(id).AccessOf(stranger));
        Assert.Empty((await grid.Credential(id).Get(grid.Owner)).Failures);
    }

    [Fact]
    public async Task A_share_granted_by_a_mapping_never_lowers_access_and_never_touches_the_owner()
    {
        var grid = shared.NewGrid();
        var coOwner = Actors.Owner();
        var other = Actors.User();
        var id = await grid.CredentialAsync("robot");
        await grid.Credential(id).Share(grid.Owner, coOwner.Id, ResourceAccess.CoOwner);

        await grid.Credential(id).GrantFromMapping(coOwner.Id, ResourceAccess.User);
        await grid.Credential(id).GrantFromMapping(grid.Owner.Id, ResourceAccess.User);
        await grid.Credential(id).GrantFromMapping(other.Id, ResourceAccess.Owner);

        Assert.Equal(ResourceAccess.CoOwner, await grid.Credential(id).AccessOf(coOwner));
        Assert.Equal(ResourceAccess.Owner, await grid.Credential(id).AccessOf(grid.Owner));
        Assert.Equal(ResourceAccess.CoOwner, await grid.Credential(id).AccessOf(other));
    }

    [Fact]
    public async Task Bad_credential_input_is_refused_with_a_stable_code_and_changes_nothing()
    {
        var grid = shared.NewGrid();
        var id = await grid.CredentialAsync("robot");
        var user = Actors.User();
        var longName = new string('n', 10 * 1024);
        var before = JsonSerializer.Serialize(await grid.Credential(id).Get(grid.Owner));

        var created = new[]
        {
            new CreateCredential("", "u", CredentialStore.Local, "s", null, true),
            new CreateCredential("   ", "u", CredentialStore.Local, "s", null, true),
            new CreateCredential(longName, "u", CredentialStore.Local, "s", null, true),
            new CreateCredential("c", longName, CredentialStore.Local, "s", null, true),
            new CreateCredential("c", "u", (CredentialStore)42, "s", null, true),
            new CreateCredential("c", "u", CredentialStore.Local, new string('s', 10 * 1024), null, true),
        };
        foreach (var request in created)
        {
            var fresh = Ids.New("cred");
            Assert.Equal(DomainErrorCode.Validation, (await Refused(() => grid.Credential(fresh).Create(grid.Owner, request))).Code);
            Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Credential(fresh).AccessOf(grid.Owner))).Code);
        }
        Assert.Equal(DomainErrorCode.Validation, (await Refused(() => grid.Credential(id).Share(grid.Owner, user.Id, (ResourceAccess)42))).Code);
        Assert.Equal(DomainErrorCode.Validation, (await Refused(() => grid.Credential(id).Share(grid.Owner, user.Id, ResourceAccess.Owner))).Code);
        Assert.Equal(DomainErrorCode.Validation, (await Refused(() => grid.Credential(id).Share(grid.Owner, "", ResourceAccess.User))).Code);
        Assert.Equal(DomainErrorCode.Validation, (await Refused(() => grid.Credential(id).Share(grid.Owner, longName, ResourceAccess.User))).Code);
        Assert.Equal(DomainErrorCode.Validation, (await Refused(() => grid.Credential(id).ClearFailure(grid.Owner, longName))).Code);
        var unknown = grid.Credential(Ids.New("cred"));
        var missing = new[]
        {
            await Refused(() => unknown.Get(grid.Owner)),
            await Refused(() => unknown.Share(grid.Owner, user.Id, ResourceAccess.User)),
            await Refused(() => unknown.Delete(grid.Owner)),
            await Refused(unknown.OptionForConnections),
            await Refused(() => unknown.ResolveSecret("m-1", "r-1")),
        };
        await unknown.RecordFailure("m-1", "one-way: the unknown credential ignores it");
        missing = [.. missing, await Refused(() => unknown.Get(grid.Owner))];

        Assert.All(missing, e => Assert.Equal(DomainErrorCode.NotFound, e.Code));
        Assert.Equal(before, JsonSerializer.Serialize(await grid.Credential(id).Get(grid.Owner)));
    }

    [Fact]
    public async Task A_credential_not_usable_in_connections_is_no_option_for_them()
    {
        var grid = shared.NewGrid();
        var usable = await grid.CredentialAsync("usable");
        var local = await grid.CredentialAsync("local-only", usable: false);

        var option = await grid.Credential(usable).OptionForConnections();
        var error = await Refused(grid.Credential(local).OptionForConnections);

        Assert.Equal(new CredentialOption(usable, "usable", "user-usable"), option);
        Assert.Equal(DomainErrorCode.CredentialNotUsableInConnections, error.Code);
    }

    [Fact]
    public async Task Every_credential_change_is_audited()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var machine = await grid.RegisterAsync("robot-1");
        var user = Actors.User();
        var id = await grid.CredentialAsync("robot");
        await grid.Credential(id).Share(grid.Owner, user.Id, ResourceAccess.User);
        await grid.Credential(id).Unshare(grid.Owner, user.Id);
        await grid.Credential(id).RecordFailure(machine, "bad password");
        // RecordFailure is one-way, and Orleans does not order it before the next call: wait until it is recorded.
        await Eventually.True(async () => (await grid.Credential(id).Get(grid.Owner)).Failures.Count == 1, "the failure was recorded");
        await grid.Credential(id).ClearFailure(grid.Owner, machine);
        await grid.Credential(id).Delete(grid.Owner);

        var log = await grid.Grains.GetGrain<IAuditLogGrain>("audit").Read(Actors.Admin, null, 1000);

        var mine = log.Items.Where(e => e.Resource == $"credential/{id}").ToDictionary(e => e.Action);
        Assert.Equal(
            ["credential.clear-failure", "credential.create", "credential.delete", "credential.failure", "credential.share", "credential.unshare"],
            mine.Keys.Order());
        Assert.Equal(grid.Owner.Id, mine["credential.create"].ActorId);
        Assert.Equal(machine, mine["credential.failure"].ActorId);
        Assert.Null(mine["credential.create"].Before);
        Assert.Contains("robot", mine["credential.create"].After);
        Assert.Null(mine["credential.delete"].After);
    }

    /// <summary>The one machine that was offered a run (taking its assignments).</summary>
    private static async Task<string> AssignedMachineAsync(Grid grid, IEnumerable<string> machines)
    {
        var offered = new List<string>();
        foreach (var machine in machines)
        {
            if ((await grid.Machine(machine).TakeAssignments()).Count > 0)
            {
                offered.Add(machine);
            }
        }
        return Assert.Single(offered);
    }
}
