using System.Text.Json;
using Xunit;
using static MachineGrid.Grains.Tests.CredentialScenarios;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridB.Name)]
public sealed class MappingTests(SharedGrid shared)
{
    [Fact]
    public async Task A_mapping_lists_a_default_and_per_machine_credentials_and_plans_with_them()
    {
        var grid = shared.NewGrid();
        var server = await grid.RegisterAsync("server", MachineKind.Server, 3);
        var fallback = await grid.CredentialAsync("fallback");
        var first = await grid.CredentialAsync("first");
        var second = await grid.CredentialAsync("second");
        var id = Ids.New("map");

        var view = await grid.Mapping(id).Create(grid.Owner, new CreateMapping("servers", "by machine", fallback, [Map(server, first, second)]));
        var plan = await grid.Mapping(id).Plan();

        Assert.Equal(("servers", "by machine", fallback, ResourceAccess.Owner), (view.Name, view.Description, view.DefaultCredentialId, view.Access));
        Assert.Equal([first, second], Assert.Single(view.Machines, m => m.MachineId == server).CredentialIds);
        Assert.Equal(id, plan.SourceId);
        Assert.Equal(new CredentialOption(fallback, "fallback", "user-fallback"), plan.Default);
        Assert.Equal(["user-first", "user-second"], plan.For(server).Select(o => o.Username));
        Assert.Equal(["user-fallback"], plan.For("m-unmapped").Select(o => o.Username));
    }

    [Fact]
    public async Task A_plan_leaves_out_credentials_deleted_since_they_were_mapped()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var fallback = await grid.CredentialAsync("fallback");
        var kept = await grid.CredentialAsync("kept");
        var deleted = await grid.CredentialAsync("deleted");
        var mapping = await grid.MappingAsync(fallback, [Map(machine, deleted, kept)]);

        await grid.Credential(deleted).Delete(grid.Owner);
        await grid.Credential(fallback).Delete(grid.Owner);
        var plan = await grid.Mapping(mapping).Plan();

        Assert.Null(plan.Default);
        Assert.Equal([kept], plan.For(machine).Select(o => o.CredentialId));
        Assert.Empty(plan.For("m-unmapped"));
    }

    [Fact]
    public async Task A_credential_not_usable_in_connections_is_refused()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var usable = await grid.CredentialAsync("usable");
        var localOnly = await grid.CredentialAsync("local-only", usable: false);

        var asDefault = await Refused(() => grid.MappingAsync(localOnly, [Map(machine, usable)]));
        var perMachine = await Refused(() => grid.MappingAsync(usable, [Map(machine, usable, localOnly)]));

        Assert.Equal(DomainErrorCode.CredentialNotUsableInConnections, asDefault.Code);
        Assert.Equal(DomainErrorCode.CredentialNotUsableInConnections, perMachine.Code);
        Assert.True(await grid.IsFreeAsync(machine, usable));
    }

    [Fact]
    public async Task A_mapping_cannot_contain_a_mapping()
    {
        var grid = shared.NewGrid();
        var machines = new[] { await grid.RegisterAsync("robot-1"), await grid.RegisterAsync("robot-2") };
        var credential = await grid.CredentialAsync("robot");
        var inner = await grid.MappingAsync(credential, [Map(machines[0], credential)]);
        var self = Ids.New("map");

        var asDefault = await Refused(() => grid.MappingAsync(inner, [Map(machines[1], credential)]));
        var perMachine = await Refused(() => grid.MappingAsync(credential, [Map(machines[1], credential, inner)]));
        var itself = await Refused(() => grid.Mapping(self).Create(grid.Owner, new CreateMapping("self", null, self, [])));
        var added = await Refused(() => grid.Mapping(inner).SetMachine(grid.Owner, machines[1], [inner]));

        Assert.All([asDefault, perMachine, itself, added], e => Assert.Equal(DomainErrorCode.NestedMapping, e.Code));
        Assert.True(await grid.IsFreeAsync(machines[1], credential));
        Assert.Single((await grid.Mapping(inner).Get(grid.Owner)).Machines);
    }

    [Fact]
    public async Task A_machine_belongs_to_at_most_one_mapping()
    {
        var grid = shared.NewGrid();
        var taken = await grid.RegisterAsync("taken");
        var free = await grid.RegisterAsync("free");
        var credential = await grid.CredentialAsync("robot");
        var first = await grid.MappingAsync(credential, [Map(taken, credential)]);
        var second = await grid.MappingAsync(credential, []);

        var create = await Refused(() => grid.MappingAsync(credential, [Map(free, credential), Map(taken, credential)]));
        var set = await Refused(() => grid.Mapping(second).SetMachine(grid.Owner, taken, [credential]));

        Assert.Equal(DomainErrorCode.MachineAlreadyMapped, create.Code);
        Assert.Equal(DomainErrorCode.MachineAlreadyMapped, set.Code);
        Assert.True(await grid.IsFreeAsync(free, credential));
        Assert.Empty((await grid.Mapping(second).Get(grid.Owner)).Machines);
        Assert.Equal([taken], (await grid.Mapping(first).Get(grid.Owner)).Machines.Select(m => m.MachineId));
    }

    [Fact]
    public async Task Two_mappings_claiming_the_same_machine_at_once_one_wins_and_the_loser_releases_its_claims()
    {
        var grid = shared.NewGrid();
        var credential = await grid.CredentialAsync("robot");
        for (var round = 0; round < 10; round++)
        {
            var shared = await grid.RegisterAsync($"shared-{round}");
            var onlyA = await grid.RegisterAsync($"a-{round}");
            var onlyB = await grid.RegisterAsync($"b-{round}");
            var (a, b) = (Ids.New("map"), Ids.New("map"));

            var results = await Task.WhenAll(
                Outcome(grid.Mapping(a).Create(grid.Owner, new CreateMapping("a", null, credential, [Map(onlyA, credential), Map(shared, credential)]))),
                Outcome(grid.Mapping(b).Create(grid.Owner, new CreateMapping("b", null, credential, [Map(shared, credential), Map(onlyB, credential)]))));

            Assert.Single(results, r => r is null);
            Assert.Equal(DomainErrorCode.MachineAlreadyMapped, Assert.Single(results, r => r is not null)!.Code);
            var loserOwn = results[0] is null ? onlyB : onlyA;
            var loser = results[0] is null ? b : a;
            Assert.True(await grid.IsFreeAsync(loserOwn, credential));
            Assert.False(await grid.IsFreeAsync(shared, credential));
            Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Mapping(loser).Get(grid.Owner))).Code);
        }
    }

    [Fact]
    public async Task Sharing_a_mapping_shares_its_credentials()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var fallback = await grid.CredentialAsync("fallback");
        var mapped = await grid.CredentialAsync("mapped");
        var mapping = await grid.MappingAsync(fallback, [Map(machine, mapped)]);
        var sharer = Actors.Sharer();

        await grid.Mapping(mapping).Share(grid.Owner, sharer.Id, ResourceAccess.UserShare);

        Assert.Equal(ResourceAccess.UserShare, await grid.Mapping(mapping).AccessOf(sharer));
        Assert.Equal(ResourceAccess.UserShare, await grid.Credential(fallback).AccessOf(sharer));
        Assert.Equal(ResourceAccess.UserShare, await grid.Credential(mapped).AccessOf(sharer));
    }

    [Fact]
    public async Task Adding_a_credential_to_a_shared_mapping_shares_it()
    {
        var grid = shared.NewGrid();
        var machines = new[] { await grid.RegisterAsync("robot-1"), await grid.RegisterAsync("robot-2") };
        var fallback = await grid.CredentialAsync("fallback");
        var mapping = await grid.MappingAsync(fallback, [Map(machines[0], fallback)]);
        var user = Actors.User();
        await grid.Mapping(mapping).Share(grid.Owner, user.Id, ResourceAccess.User);
        var added = await grid.CredentialAsync("added");
        var later = await grid.CredentialAsync("later");

        await grid.Mapping(mapping).SetMachine(grid.Owner, machines[0], [fallback, added]);
        await grid.Mapping(mapping).SetMachine(grid.Owner, machines[1], [later]);

        Assert.Equal(ResourceAccess.User, await grid.Credential(added).AccessOf(user));
        Assert.Equal(ResourceAccess.User, await grid.Credential(later).AccessOf(user));
    }

    [Fact]
    public async Task Removing_a_mapping_share_leaves_the_credential_shares()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var fallback = await grid.CredentialAsync("fallback");
        var mapped = await grid.CredentialAsync("mapped");
        var mapping = await grid.MappingAsync(fallback, [Map(machine, mapped)]);
        var user = Actors.User();
        await grid.Mapping(mapping).Share(grid.Owner, user.Id, ResourceAccess.User);

        await grid.Mapping(mapping).Unshare(grid.Owner, user.Id);

        Assert.Null(await grid.Mapping(mapping).AccessOf(user));
        Assert.Equal(ResourceAccess.User, await grid.Credential(fallback).AccessOf(user));
        Assert.Equal(ResourceAccess.User, await grid.Credential(mapped).AccessOf(user));
    }

    [Fact]
    public async Task Export_and_import_remap_machines_and_credentials_by_name()
    {
        var grid = shared.NewGrid();
        var original = new[] { await grid.RegisterAsync("alpha"), await grid.RegisterAsync("beta") };
        var credentials = new[] { await grid.CredentialAsync("default"), await grid.CredentialAsync("ops"), await grid.CredentialAsync("qa") };
        var source = Ids.New("map");
        await grid.Mapping(source).Create(grid.Owner, new CreateMapping("fleet", "exported", credentials[0], [Map(original[0], credentials[1]), Map(original[1], credentials[1], credentials[2])]));
        var export = await grid.Mapping(source).Export(grid.Owner);
        var document = JsonSerializer.Deserialize<MappingExport>(JsonSerializer.Serialize(export))!;
        var machines = new Dictionary<string, string> { ["alpha"] = await grid.RegisterAsync("alpha"), ["beta"] = await grid.RegisterAsync("beta") };
        var names = new Dictionary<string, string>
        {
            ["default"] = await grid.CredentialAsync("default"),
            ["ops"] = await grid.CredentialAsync("ops"),
            ["qa"] = await grid.CredentialAsync("qa"),
        };

        var imported = await grid.Mapping(Ids.New("map")).Import(grid.Owner, document, machines, names);

        Assert.Equal(("fleet", "exported", "default"), (export.Name, export.Description, export.DefaultCredentialName));
        Assert.Equal(["ops", "qa"], Assert.Single(export.Machines, m => m.MachineName == "beta").CredentialNames);
        Assert.Equal(("fleet", names["default"]), (imported.Name, imported.DefaultCredentialId));
        Assert.Equal([names["ops"]], Assert.Single(imported.Machines, m => m.MachineId == machines["alpha"]).CredentialIds);
        Assert.Equal([names["ops"], names["qa"]], Assert.Single(imported.Machines, m => m.MachineId == machines["beta"]).CredentialIds);
    }

    [Fact]
    public async Task Import_names_every_machine_and_credential_it_cannot_find()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("alpha");
        var credential = await grid.CredentialAsync("default");
        var document = new MappingExport("fleet", null, "default", [new("alpha", ["default"]), new("gamma", ["ops"])]);
        var id = Ids.New("map");

        var error = await Refused(() => grid.Mapping(id).Import(grid.Owner, document, new Dictionary<string, string> { ["alpha"] = machine }, new Dictionary<string, string> { ["default"] = credential }));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
        Assert.Contains("'gamma'", error.Message);
        Assert.Contains("'ops'", error.Message);
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Mapping(id).Get(grid.Owner))).Code);
        Assert.True(await grid.IsFreeAsync(machine, credential));
    }

    [Fact]
    public async Task Mapping_needs_the_create_role_and_use_access_on_every_credential_and_machine()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var theirs = await grid.CredentialAsync("theirs");
        var maker = Actors.Maker();
        var mine = await grid.CredentialAsync("mine", owner: maker);
        var user = Actors.User();
        await grid.Credential(theirs).Share(grid.Owner, user.Id, ResourceAccess.User);

        var noRole = await Refused(() => grid.MappingAsync(theirs, [], user));
        var noCredentialAccess = await Refused(() => grid.MappingAsync(mine, [Map(machine, theirs)], maker));
        var noMachineAccess = await Refused(() => grid.MappingAsync(mine, [Map(machine, mine)], maker));
        await grid.Credential(theirs).Share(grid.Owner, maker.Id, ResourceAccess.User);
        await grid.Machine(machine).Share(grid.Owner, maker.Id, ResourceAccess.User);
        var made = await grid.MappingAsync(mine, [Map(machine, theirs, mine)], maker);

        Assert.All([noRole, noCredentialAccess, noMachineAccess], e => Assert.Equal(DomainErrorCode.Forbidden, e.Code));
        Assert.Equal(ResourceAccess.Owner, await grid.Mapping(made).AccessOf(maker));
    }

    [Fact]
    public async Task Mapping_access_follows_the_table_User_uses_UserShare_shares_CoOwner_edits()
    {
        var grid = shared.NewGrid();
        var machines = new[] { await grid.RegisterAsync("robot-1"), await grid.RegisterAsync("robot-2") };
        var credential = await grid.CredentialAsync("robot");
        var mapping = await grid.MappingAsync(credential, [Map(machines[0], credential)]);
        var (user, sharer, coOwner) = (Actors.Sharer(), Actors.Sharer(), Actors.Owner());
        await grid.Mapping(mapping).Share(grid.Owner, user.Id, ResourceAccess.User);
        await grid.Mapping(mapping).Share(grid.Owner, sharer.Id, ResourceAccess.UserShare);
        await grid.Mapping(mapping).Share(grid.Owner, coOwner.Id, ResourceAccess.CoOwner);
        await grid.Machine(machines[1]).Share(grid.Owner, coOwner.Id, ResourceAccess.User);

        var userShares = await Refused(() => grid.Mapping(mapping).Share(user, Actors.User().Id, ResourceAccess.User));
        await grid.Mapping(mapping).Share(sharer, Actors.User().Id, ResourceAccess.User);
        var sharerEdits = await Refused(() => grid.Mapping(mapping).RemoveMachine(sharer, machines[0]));
        var sharerDeletes = await Refused(() => grid.Mapping(mapping).Delete(sharer));
        await grid.Mapping(mapping).SetMachine(coOwner, machines[1], [credential]);
        await grid.Mapping(mapping).RemoveMachine(coOwner, machines[0]);
        var stranger = await Refused(() => grid.Mapping(mapping).Get(Actors.Owner()));

        Assert.All([userShares, sharerEdits, sharerDeletes, stranger], e => Assert.Equal(DomainErrorCode.Forbidden, e.Code));
        Assert.Equal(ResourceAccess.User, (await grid.Mapping(mapping).Get(user)).Access);
        Assert.Equal([machines[1]], (await grid.Mapping(mapping).Get(coOwner)).Machines.Select(m => m.MachineId));
        Assert.True(await grid.IsFreeAsync(machines[0], credential));
        await grid.Mapping(mapping).Delete(coOwner);
        Assert.True(await grid.IsFreeAsync(machines[1], credential));
    }

    [Fact]
    public async Task Bad_mapping_input_is_refused_with_a_stable_code_and_changes_nothing()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var credential = await grid.CredentialAsync("robot");
        var longName = new string('n', 10 * 1024);
        var unknownCredential = Ids.New("cred");
        var unknownMachine = Ids.New("m");

        var cases = new (CreateMapping Request, DomainErrorCode Code)[]
        {
            (new("", null, credential, [Map(machine, credential)]), DomainErrorCode.Validation),
            (new(longName, null, credential, [Map(machine, credential)]), DomainErrorCode.Validation),
            (new("m", longName, credential, [Map(machine, credential)]), DomainErrorCode.Validation),
            (new("m", null, "", [Map(machine, credential)]), DomainErrorCode.Validation),
            (new("m", null, credential, [Map(machine)]), DomainErrorCode.Validation),
            (new("m", null, credential, [Map(machine, credential, credential)]), DomainErrorCode.Validation),
            (new("m", null, credential, [Map(machine, credential), Map(machine, credential)]), DomainErrorCode.Validation),
            (new("m", null, credential, [Map(longName, credential)]), DomainErrorCode.Validation),
            (new("m", null, unknownCredential, [Map(machine, credential)]), DomainErrorCode.NotFound),
            (new("m", null, credential, [Map(machine, unknownCredential)]), DomainErrorCode.NotFound),
            (new("m", null, credential, [Map(machine, credential), Map(unknownMachine, credential)]), DomainErrorCode.NotFound),
        };
        foreach (var (request, code) in cases)
        {
            var id = Ids.New("map");
            Assert.Equal(code, (await Refused(() => grid.Mapping(id).Create(grid.Owner, request))).Code);
            Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Mapping(id).Get(grid.Owner))).Code);
        }
        var existing = await grid.MappingAsync(credential, []);
        var before = JsonSerializer.Serialize(await grid.Mapping(existing).Get(grid.Owner));
        var refusals = new[]
        {
            (await Refused(() => grid.Mapping(existing).SetMachine(grid.Owner, machine, []))).Code,
            (await Refused(() => grid.Mapping(existing).SetMachine(grid.Owner, machine, [unknownCredential]))).Code,
            (await Refused(() => grid.Mapping(existing).RemoveMachine(grid.Owner, machine))).Code,
            (await Refused(() => grid.Mapping(existing).Share(grid.Owner, Actors.User().Id, (ResourceAccess)7))).Code,
            (await Refused(() => grid.Mapping(existing).Create(grid.Owner, new CreateMapping("again", null, credential, [])))).Code,
            (await Refused(() => grid.Mapping(Ids.New("map")).Plan())).Code,
            (await Refused(() => grid.Mapping(Ids.New("map")).Delete(grid.Owner))).Code,
        };

        Assert.Equal(
            [DomainErrorCode.Validation, DomainErrorCode.NotFound, DomainErrorCode.NotFound, DomainErrorCode.Validation, DomainErrorCode.AlreadyExists, DomainErrorCode.NotFound, DomainErrorCode.NotFound],
            refusals);
        Assert.Equal(before, JsonSerializer.Serialize(await grid.Mapping(existing).Get(grid.Owner)));
        Assert.True(await grid.IsFreeAsync(machine, credential));
    }

    [Fact]
    public async Task Every_mapping_change_is_audited()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var machines = new[] { await grid.RegisterAsync("robot-1"), await grid.RegisterAsync("robot-2") };
        var credential = await grid.CredentialAsync("robot");
        var mapping = await grid.MappingAsync(credential, [Map(machines[0], credential)]);
        var user = Actors.User();
        await grid.Mapping(mapping).SetMachine(grid.Owner, machines[1], [credential]);
        await grid.Mapping(mapping).RemoveMachine(grid.Owner, machines[0]);
        await grid.Mapping(mapping).Share(grid.Owner, user.Id, ResourceAccess.User);
        await grid.Mapping(mapping).Unshare(grid.Owner, user.Id);
        await grid.Mapping(mapping).Delete(grid.Owner);

        var log = await grid.Grains.GetGrain<IAuditLogGrain>("audit").Read(Actors.Admin, null, 1000);

        Assert.Equal(
            ["mapping.create", "mapping.delete", "mapping.remove-machine", "mapping.set-machine", "mapping.share", "mapping.unshare"],
            log.Items.Where(e => e.Resource == $"mapping/{mapping}").Select(e => e.Action).Order());
        Assert.All(log.Items.Where(e => e.Resource == $"mapping/{mapping}"), e => Assert.Equal(grid.Owner.Id, e.ActorId));
    }

    private static async Task<DomainException?> Outcome(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (DomainException ex)
        {
            return ex;
        }
    }
}
