using System.Text.Json;
using Xunit;

namespace MachineGrid.Grains.Tests;

public sealed class AuditAndInputTests
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
    public async Task Unknown_ids_give_NotFound()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;

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
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
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
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
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
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var id = Ids.New("m");

        var registration = await grid.Machine(id).Register(grid.Owner, new RegisterMachine("keyed", null, MachineKind.Server, 2, "2.50", "Windows Server", "fp"));

        Assert.StartsWith($"mk.{id}.", registration.MachineKey);
        Assert.True(await grid.Machine(id).VerifyKey(registration.MachineKey));
        Assert.False(await grid.Machine(id).VerifyKey(registration.MachineKey + "x"));
        Assert.False(await grid.Machine(id).VerifyKey(""));
        Assert.DoesNotContain(registration.MachineKey, JsonSerializer.Serialize(await grid.Machine(id).Get(grid.Owner)));
    }
}
