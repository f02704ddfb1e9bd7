using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridA.Name)]
public sealed class AuditAndInputTests(SharedGrid shared)
{
    [Fact]
    public async Task Every_change_to_groups_machines_and_runs_is_audited_with_who_and_when_and_no_secrets()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync("audited");
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        await grid.Group(group).Share(grid.Owner, "p-friend", ResourceAccess.User);
        await grid.Group(group).ChangePassword(grid.Owner, "a-brand-new-password");
        var run = await grid.SubmitAsync(await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot")));
        await grid.RunGrain(run).Cancel(grid.Owner);

        var log = await grid.Grains.GetGrain<IAuditLogGrain>("environment").Read(Actors.Admin, null, 1000);

        var actions = log.Items.Select(e => e.Action).ToList();
        foreach (var expected in new[] { "group.create", "machine.register", "group.machine.add", "machine.group.join", "group.share", "group.password.change", "run.submit", "run.cancel" })
        {
            Assert.Contains(expected, actions);
        }
        Assert.All(log.Items.Where(e => e.Action.StartsWith("group.", StringComparison.Ordinal)), e => Assert.Equal(grid.Owner.Id, e.ActorId));
        Assert.All(log.Items, e => Assert.Equal(grid.Clock.GetUtcNow(), e.At));
        var text = JsonSerializer.Serialize(log);
        Assert.DoesNotContain("a-brand-new-password", text);
        Assert.DoesNotContain(Grid.Password, text);
        Assert.DoesNotContain("secret-of-robot", text);
        var refused = await Assert.ThrowsAsync<DomainException>(() => grid.Grains.GetGrain<IAuditLogGrain>("environment").Read(grid.Owner, null, 10));
        Assert.Equal(DomainErrorCode.Forbidden, refused.Code);
    }

    [Fact]
    public async Task Every_audit_entry_names_its_resource_as_kind_slash_id()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var admin = Actors.Admin;
        var principal = Ids.New("p");
        await grid.Grains.GetGrain<IPrincipalGrain>(principal).Create(admin, "walker", EnvironmentRoles.MachineUser);
        await grid.Grains.GetGrain<IPrincipalGrain>(Ids.New("p")).Bootstrap("first admin", "mgk_walkthrough_" + Guid.NewGuid().ToString("N"));
        var group = await grid.CreateGroupAsync("walked");
        await grid.Group(group).Update(grid.Owner, new UpdateGroup(null, "in maintenance, so runs stay queued", true));
        await grid.Group(group).Share(grid.Owner, principal, ResourceAccess.User);
        await grid.Group(group).Unshare(grid.Owner, principal);
        var machines = await grid.AddMachinesAsync(group, 2);
        await grid.Group(group).ChangePassword(grid.Owner, "another-group-password");
        await grid.Machine(machines[0]).Update(grid.Owner, new UpdateMachine("renamed", null, null));
        await grid.Machine(machines[1]).LeaveGroup(grid.Owner);
        await grid.Machine(machines[1]).Share(grid.Owner, principal, ResourceAccess.User);
        await grid.Machine(machines[1]).Unshare(grid.Owner, principal);
        var robot = await grid.CreateCredentialAsync("robot");
        var spare = await grid.CreateCredentialAsync("spare");
        var credentials = grid.Grains.GetGrain<ICredentialGrain>(robot);
        await credentials.Share(grid.Owner, principal, ResourceAccess.User);
        await credentials.Unshare(grid.Owner, principal);
        await grid.Machine(machines[0]).ReportCredentialFailure(robot, "password expired");
        // The machine tells the credential one-way: wait until the credential has it, or there is no failure to clear.
        await Eventually.True(async () => (await credentials.Get(grid.Owner)).Failures.Count == 1, "the failure reached the credential");
        await credentials.ClearFailure(grid.Owner, machines[0]);
        var mapping = grid.Grains.GetGrain<IMachineMappingGrain>(Ids.New("map"));
        await mapping.Create(grid.Owner, new CreateMapping("walked mapping", null, robot, [new MachineCredentials(machines[0], [robot])]));
        await mapping.SetMachine(grid.Owner, machines[0], [robot, spare]);
        await mapping.Share(grid.Owner, principal, ResourceAccess.User);
        await mapping.Unshare(grid.Owner, principal);
        var export = await mapping.Export(grid.Owner);
        await mapping.RemoveMachine(grid.Owner, machines[0]);
        await mapping.Delete(grid.Owner);
        await grid.Grains.GetGrain<IMachineMappingGrain>(Ids.New("map")).Import(grid.Owner, export,
            new Dictionary<string, string> { ["renamed"] = machines[0], ["machine-0"] = machines[0] },
            new Dictionary<string, string> { ["credential robot"] = robot, ["credential spare"] = spare });
        var direct = Ids.New("conn");
        await grid.Grains.GetGrain<IConnectionGrain>(direct).Create(grid.Owner, new CreateConnection("direct", new ConnectionTarget(machines[1], null), spare, null));
        await grid.Machine(machines[1]).JoinGroup(grid.Owner, group, "another-group-password");
        var connection = await grid.ConnectAsync(group, robot);
        var run = await grid.SubmitAsync(connection);
        var queued = await grid.SubmitAsync(connection);
        await grid.RunGrain(queued).SetPriority(grid.Owner, RunPriority.High);
        await grid.RunGrain(queued).MoveToTop(grid.Owner);
        await grid.RunGrain(run).Cancel(grid.Owner);
        await grid.Grains.GetGrain<ICredentialGrain>(spare).Delete(grid.Owner);
        await grid.Machine(machines[1]).Delete(grid.Owner);

        var log = await grid.Grains.GetGrain<IAuditLogGrain>("audit").Read(admin, null, 1000);

        Assert.All(log.Items, e => Assert.Matches(new Regex("^[a-z-]+/[^ /]+$"), e.Resource));
        Assert.Equal(["connection", "credential", "group", "machine", "mapping", "principal", "run"], log.Items.Select(e => e.Resource.Split('/')[0]).Distinct().Order());
        Assert.Contains(log.Items, e => e.Resource == $"machine/{machines[1]}" && e.Action == "machine.delete");
        Assert.Contains(log.Items, e => e.Resource == $"group/{group}" && e.Action == "group.create");
        Assert.Contains(log.Items, e => e.Resource == $"principal/{principal}" && e.Action == "principal.create");
        Assert.Contains(log.Items, e => e.Resource == $"run/{run}" && e.Action == "run.cancel");
    }

    [Fact]
    public async Task Unknown_ids_give_NotFound()
    {
        var grid = shared.NewGrid();

        var errors = new[]
        {
            await Assert.ThrowsAsync<DomainException>(() => grid.Machine("m-nope").Get(grid.Owner)),
            await Assert.ThrowsAsync<DomainException>(() => grid.Machine("m-nope").Heartbeat(new AgentHeartbeat("a", "f", []))),
            await Assert.ThrowsAsync<DomainException>(() => grid.Group("g-nope").Get(grid.Owner)),
            await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain("r-nope").Get(grid.Owner)),
            await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain("r-nope").Cancel(grid.Owner)),
            await Assert.ThrowsAsync<DomainException>(() => grid.SubmitAsync("conn-nope")),
        };

        Assert.All(errors, e => Assert.Equal(DomainErrorCode.NotFound, e.Code));
        var machine = await grid.RegisterAsync("x");
        Assert.Equal(DomainErrorCode.NotFound, (await Assert.ThrowsAsync<DomainException>(() => grid.Machine(machine).JoinGroup(grid.Owner, "g-nope", Grid.Password))).Code);
    }

    [Theory]
    [InlineData(-1, null, 1)]
    [InlineData(0, null, 1)]
    [InlineData(3 * 3600 + 1, null, 1)]
    [InlineData(null, -5, 1)]
    [InlineData(null, 24 * 3600 + 1, 1)]
    [InlineData(null, null, 0)]
    [InlineData(null, null, 11)]
    public async Task Negative_or_over_limit_timeouts_and_attempts_are_refused_and_nothing_is_queued(int? queueSeconds, int? runSeconds, int attempts)
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var id = Ids.New("r");

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            grid.RunGrain(id).Submit(grid.Owner, new SubmitRun(connection, "flow", null, RunMode.Unattended, RunPriority.Normal, queueSeconds, runSeconds, attempts)));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
        Assert.Equal(0, (await grid.Group(group).Get(grid.Owner)).QueuedCount);
        Assert.Equal(DomainErrorCode.NotFound, (await Assert.ThrowsAsync<DomainException>(() => grid.RunGrain(id).Get(grid.Owner))).Code);
    }

    [Fact]
    public async Task Priorities_run_modes_and_kinds_outside_their_enums_are_refused()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));

        var priority = await Assert.ThrowsAsync<DomainException>(() =>
            grid.RunGrain(Ids.New("r")).Submit(grid.Owner, new SubmitRun(connection, "flow", null, RunMode.Unattended, (RunPriority)7)));
        var mode = await Assert.ThrowsAsync<DomainException>(() =>
            grid.RunGrain(Ids.New("r")).Submit(grid.Owner, new SubmitRun(connection, "flow", null, (RunMode)9)));
        var kind = await Assert.ThrowsAsync<DomainException>(() =>
            grid.Machine(Ids.New("m")).Register(grid.Owner, new RegisterMachine("m", null, (MachineKind)5, 1, "1", "os", "fp")));
        var sessions = await Assert.ThrowsAsync<DomainException>(() =>
            grid.Machine(Ids.New("m")).Register(grid.Owner, new RegisterMachine("m", null, MachineKind.Desktop, 3, "1", "os", "fp")));

        Assert.All(new[] { priority, mode, kind, sessions }, e => Assert.Equal(DomainErrorCode.Validation, e.Code));
        Assert.Equal(0, (await grid.Group(group).Get(grid.Owner)).QueuedCount);
    }

    [Fact]
    public async Task A_wrong_machine_key_is_not_accepted_and_the_right_one_is()
    {
        var grid = shared.NewGrid();
        var id = Ids.New("m");

        var registration = await grid.Machine(id).Register(grid.Owner, new RegisterMachine("keyed", null, MachineKind.Server, 2, "2.50", "Windows Server", "fp"));

        Assert.StartsWith($"mk.{id}.", registration.MachineKey);
        Assert.True(await grid.Machine(id).VerifyKey(registration.MachineKey));
        Assert.False(await grid.Machine(id).VerifyKey(registration.MachineKey + "x"));
        Assert.False(await grid.Machine(id).VerifyKey(""));
        Assert.DoesNotContain(registration.MachineKey, JsonSerializer.Serialize(await grid.Machine(id).Get(grid.Owner)));
    }
}
