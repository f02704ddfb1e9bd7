using Xunit;
using static MachineGrid.Grains.Tests.CredentialScenarios;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridA.Name)]
public sealed class ConnectionTests(SharedGrid shared)
{
    [Fact]
    public async Task Joining_a_group_breaks_the_connections_that_target_the_machine()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("robot-1");
        var group = await grid.CreateGroupAsync();
        var credential = await grid.CredentialAsync("robot");
        var id = Ids.New("conn");
        var created = await grid.Connection(id).Create(grid.Owner, new CreateConnection("direct", new ConnectionTarget(machine, null), credential, null));
        var route = await grid.Connection(id).Route(grid.Owner);

        await grid.Machine(machine).JoinGroup(grid.Owner, group, Grid.Password);

        var view = await grid.Connection(id).Get(grid.Owner);
        var error = await Refused(() => grid.Connection(id).Route(grid.Owner));
        Assert.Equal(ConnectionStatus.Connected, created.Status);
        Assert.Equal(GroupIds.SoloFor(machine), route.GroupId);
        Assert.Equal(ConnectionStatus.Broken, view.Status);
        Assert.Contains("target the group", view.StatusReason);
        Assert.Equal(DomainErrorCode.ConnectionBroken, error.Code);
    }

    [Fact]
    public async Task A_connection_to_a_machine_in_a_group_is_refused_target_the_group()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var credential = await grid.CredentialAsync("robot");
        var id = Ids.New("conn");

        var error = await Refused(() => grid.Connection(id).Create(grid.Owner, new CreateConnection("direct", new ConnectionTarget(machine, null), credential, null)));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
        Assert.Contains("target the group", error.Message);
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Get(grid.Owner))).Code);
    }

    [Fact]
    public async Task A_connection_is_refused_when_the_actor_lacks_access_to_the_target_or_the_credential()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = await grid.RegisterAsync("robot-1");
        var credential = await grid.CredentialAsync("robot");
        var mapping = await grid.MappingAsync(credential, []);
        var user = Actors.User();
        var other = await grid.CredentialAsync("other");
        var (noTarget, noCredential, noMapping) = (Ids.New("conn"), Ids.New("conn"), Ids.New("conn"));

        var refusals = new[]
        {
            await Refused(() => grid.Connection(noTarget).Create(user, new CreateConnection("c", new ConnectionTarget(null, group), credential, null))),
            await Refused(() => grid.Connection(noTarget).Create(user, new CreateConnection("c", new ConnectionTarget(machine, null), credential, null))),
        };
        await grid.Credential(credential).Share(grid.Owner, user.Id, ResourceAccess.User);
        await grid.Group(group).Share(grid.Owner, user.Id, ResourceAccess.User);
        await grid.Machine(machine).Share(grid.Owner, user.Id, ResourceAccess.User);
        refusals =
        [
            .. refusals,
            await Refused(() => grid.Connection(noMapping).Create(user, new CreateConnection("c", new ConnectionTarget(null, group), null, mapping))),
            await Refused(() => grid.Connection(noCredential).Create(user, new CreateConnection("c", new ConnectionTarget(null, group), other, null))),
        ];
        var allowed = await grid.Connection(Ids.New("conn")).Create(user, new CreateConnection("c", new ConnectionTarget(machine, null), credential, null));

        Assert.All(refusals, e => Assert.Equal(DomainErrorCode.Forbidden, e.Code));
        foreach (var id in new[] { noTarget, noCredential, noMapping })
        {
            Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Get(grid.Owner))).Code);
        }
        Assert.Equal(user.Ref, allowed.Owner);
    }

    [Fact]
    public async Task Routing_checks_access_to_the_target_again()
    {
        var (grid, group, credential, id, user) = await GroupConnectionSharedWithUserAsync();
        var route = await grid.Connection(id).Route(user);

        await grid.Group(group).Unshare(grid.Owner, user.Id);

        Assert.Equal(group, route.GroupId);
        Assert.Equal(new CredentialOption(credential, "robot", "user-robot"), route.Plan.Default);
        Assert.Equal(credential, route.Plan.SourceId);
        Assert.Empty(route.Plan.PerMachine);
        Assert.Equal(DomainErrorCode.Forbidden, (await Refused(() => grid.Connection(id).Route(user))).Code);
        Assert.Equal(DomainErrorCode.Forbidden, (await Refused(() => grid.Connection(id).Get(user))).Code);
    }

    [Fact]
    public async Task A_grant_a_connection_kept_is_not_used_after_it_is_revoked_even_when_the_group_was_deactivated_between()
    {
        var (grid, group, _, id, user) = await GroupConnectionSharedWithUserAsync();
        var kept = await grid.Connection(id).Route(user);
        var again = await grid.Connection(id).Route(user);

        await grid.Silo.Cluster.DeactivateAsync(grid.Group(group));
        await grid.Group(group).Unshare(grid.Owner, user.Id);

        Assert.Equal((group, group), (kept.GroupId, again.GroupId));
        Assert.Equal(DomainErrorCode.Forbidden, (await Refused(() => grid.Connection(id).Route(user))).Code);
        await grid.Group(group).Share(grid.Owner, user.Id, ResourceAccess.User);
        Assert.Equal(group, (await grid.Connection(id).Route(user)).GroupId);
    }

    [Fact]
    public async Task Routing_to_a_group_deleted_after_a_grant_was_kept_is_refused_as_not_found()
    {
        var (grid, group, _, id, user) = await GroupConnectionSharedWithUserAsync();
        await grid.Connection(id).Route(user);

        await grid.Group(group).Delete(grid.Owner);

        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Route(user))).Code);
    }

    [Fact]
    public async Task A_connection_through_a_mapping_routes_with_the_mappings_plan()
    {
        var (grid, group, server, fallback) = await GroupWithServerAsync();
        var mapped = await grid.CredentialAsync("mapped");
        var mapping = await grid.MappingAsync(fallback, [Map(server, mapped)]);
        var id = Ids.New("conn");

        var view = await grid.Connection(id).Create(grid.Owner, new CreateConnection("mapped", new ConnectionTarget(null, group), null, mapping));
        var route = await grid.Connection(id).Route(grid.Owner);

        Assert.Equal((group, null as string, mapping), (view.Target.GroupId, view.CredentialId, view.MappingId));
        Assert.Equal(group, route.GroupId);
        Assert.Equal(mapping, route.Plan.SourceId);
        Assert.Equal(["mapped"], route.Plan.For(server).Select(o => o.Name));
    }

    [Fact]
    public async Task A_plan_a_connection_kept_gives_way_to_the_mappings_change_even_when_the_mapping_was_deactivated_between()
    {
        var (grid, group, server, fallback) = await GroupWithServerAsync();
        var first = await grid.CredentialAsync("first");
        var second = await grid.CredentialAsync("second");
        var mapping = await grid.MappingAsync(fallback, [Map(server, first)]);
        var id = await MappedConnectionAsync(grid, group, mapping);
        var kept = await grid.Connection(id).Route(grid.Owner);

        await grid.Silo.Cluster.DeactivateAsync(grid.Mapping(mapping));
        await grid.Mapping(mapping).SetMachine(grid.Owner, server, [second]);
        var changed = await grid.Connection(id).Route(grid.Owner);
        await grid.Mapping(mapping).RemoveMachine(grid.Owner, server);
        var removed = await grid.Connection(id).Route(grid.Owner);
        await grid.Mapping(mapping).Delete(grid.Owner);

        Assert.Equal(["first"], kept.Plan.For(server).Select(o => o.Name));
        Assert.Equal(["second"], changed.Plan.For(server).Select(o => o.Name));
        Assert.Equal(["fallback"], removed.Plan.For(server).Select(o => o.Name));
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Route(grid.Owner))).Code);
    }

    [Fact]
    public async Task A_kept_plan_asks_the_mappings_credentials_again_after_ten_seconds()
    {
        var (grid, group, server, fallback) = await GroupWithServerAsync();
        var doomed = await grid.CredentialAsync("doomed");
        var mapping = await grid.MappingAsync(fallback, [Map(server, doomed, fallback)]);
        var id = await MappedConnectionAsync(grid, group, mapping);
        var kept = await grid.Connection(id).Route(grid.Owner);

        await grid.Credential(doomed).Delete(grid.Owner);
        var within = await grid.Connection(id).Route(grid.Owner);
        grid.Clock.Advance(TimeSpan.FromSeconds(10));
        var after = await grid.Connection(id).Route(grid.Owner);

        Assert.Equal(["doomed", "fallback"], kept.Plan.For(server).Select(o => o.Name));
        Assert.Equal(["doomed", "fallback"], within.Plan.For(server).Select(o => o.Name));
        Assert.Equal(["fallback"], after.Plan.For(server).Select(o => o.Name));
    }

    [Fact]
    public async Task A_credential_a_connection_kept_is_not_routed_with_once_it_is_deleted_even_when_it_was_deactivated_between()
    {
        var (grid, _, credential, id, _) = await GroupConnectionSharedWithUserAsync();
        var kept = await grid.Connection(id).Route(grid.Owner);

        await grid.Silo.Cluster.DeactivateAsync(grid.Credential(credential));
        await grid.Credential(credential).Delete(grid.Owner);

        Assert.Equal("robot", kept.Plan.Default?.Name);
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Route(grid.Owner))).Code);
    }

    [Fact]
    public async Task A_credential_not_usable_in_connections_is_refused()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var localOnly = await grid.CredentialAsync("local-only", usable: false);
        var id = Ids.New("conn");

        var error = await Refused(() => grid.Connection(id).Create(grid.Owner, new CreateConnection("c", new ConnectionTarget(null, group), localOnly, null)));

        Assert.Equal(DomainErrorCode.CredentialNotUsableInConnections, error.Code);
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Get(grid.Owner))).Code);
    }

    [Fact]
    public async Task A_connection_has_exactly_one_target_and_one_credential_or_mapping_and_bad_input_changes_nothing()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var machine = await grid.RegisterAsync("robot-1");
        var credential = await grid.CredentialAsync("robot");
        var mapping = await grid.MappingAsync(credential, []);
        var longName = new string('n', 10 * 1024);

        var cases = new (CreateConnection Request, DomainErrorCode Code)[]
        {
            (new("c", new ConnectionTarget(machine, group), credential, null), DomainErrorCode.Validation),
            (new("c", new ConnectionTarget(null, null), credential, null), DomainErrorCode.Validation),
            (new("c", null!, credential, null), DomainErrorCode.Validation),
            (new("c", new ConnectionTarget(null, group), credential, mapping), DomainErrorCode.Validation),
            (new("c", new ConnectionTarget(null, group), null, null), DomainErrorCode.Validation),
            (new("", new ConnectionTarget(null, group), credential, null), DomainErrorCode.Validation),
            (new(longName, new ConnectionTarget(null, group), credential, null), DomainErrorCode.Validation),
            (new("c", new ConnectionTarget(null, GroupIds.SoloFor(machine)), credential, null), DomainErrorCode.Validation),
            (new("c", new ConnectionTarget(null, longName), credential, null), DomainErrorCode.Validation),
            (new("c", new ConnectionTarget(null, Ids.New("g")), credential, null), DomainErrorCode.NotFound),
            (new("c", new ConnectionTarget(Ids.New("m"), null), credential, null), DomainErrorCode.NotFound),
            (new("c", new ConnectionTarget(null, group), Ids.New("cred"), null), DomainErrorCode.NotFound),
            (new("c", new ConnectionTarget(null, group), null, Ids.New("map")), DomainErrorCode.NotFound),
        };
        foreach (var (request, code) in cases)
        {
            var id = Ids.New("conn");
            Assert.Equal(code, (await Refused(() => grid.Connection(id).Create(grid.Owner, request))).Code);
            Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(id).Get(grid.Owner))).Code);
        }
        var existing = Ids.New("conn");
        await grid.Connection(existing).Create(grid.Owner, new CreateConnection("kept", new ConnectionTarget(null, group), credential, null));
        var again = await Refused(() => grid.Connection(existing).Create(grid.Owner, new CreateConnection("other", new ConnectionTarget(machine, null), credential, null)));

        Assert.Equal(DomainErrorCode.AlreadyExists, again.Code);
        Assert.Equal("kept", (await grid.Connection(existing).Get(grid.Owner)).Name);
        Assert.Equal(DomainErrorCode.NotFound, (await Refused(() => grid.Connection(Ids.New("conn")).Route(grid.Owner))).Code);
    }

    [Fact]
    public async Task Creating_and_breaking_a_connection_is_audited()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var machine = await grid.RegisterAsync("robot-1");
        var group = await grid.CreateGroupAsync();
        var credential = await grid.CredentialAsync("robot");
        var id = Ids.New("conn");
        await grid.Connection(id).Create(grid.Owner, new CreateConnection("direct", new ConnectionTarget(machine, null), credential, null));
        await grid.Machine(machine).JoinGroup(grid.Owner, group, Grid.Password);
        await Eventually.True(async () => (await grid.Connection(id).Get(grid.Owner)).Status == ConnectionStatus.Broken, "the one-way break arrived");

        var log = await grid.Grains.GetGrain<IAuditLogGrain>("audit").Read(Actors.Admin, null, 1000);

        var entries = log.Items.Where(e => e.Resource == $"connection/{id}").ToDictionary(e => e.Action);
        Assert.Equal(["connection.break", "connection.create"], entries.Keys.Order());
        Assert.Equal(grid.Owner.Id, entries["connection.create"].ActorId);
        Assert.Contains("Broken", entries["connection.break"].After);
    }

    /// <summary>A group, a credential, a connection of the owner's to the group with it, and a user the group is shared with.</summary>
    private async Task<(Grid Grid, string Group, string Credential, string Connection, Actor User)> GroupConnectionSharedWithUserAsync()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var credential = await grid.CredentialAsync("robot");
        var id = Ids.New("conn");
        await grid.Connection(id).Create(grid.Owner, new CreateConnection("robots", new ConnectionTarget(null, group), credential, null));
        var user = Actors.User();
        await grid.Group(group).Share(grid.Owner, user.Id, ResourceAccess.User);
        return (grid, group, credential, id, user);
    }

    /// <summary>A group with one Server machine of 3 sessions, and a credential named "fallback" for mappings to default to.</summary>
    private async Task<(Grid Grid, string Group, string Server, string Fallback)> GroupWithServerAsync()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var server = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, 3))[0];
        return (grid, group, server, await grid.CredentialAsync("fallback"));
    }

    private static async Task<string> MappedConnectionAsync(Grid grid, string group, string mapping)
    {
        var id = Ids.New("conn");
        await grid.Connection(id).Create(grid.Owner, new CreateConnection("mapped", new ConnectionTarget(null, group), null, mapping));
        return id;
    }
}
