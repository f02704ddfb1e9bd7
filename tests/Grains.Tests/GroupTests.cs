using System.Text;
using Xunit;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridA.Name)]
public sealed class GroupTests(SharedGrid shared)
{
    [Fact]
    public async Task The_51st_machine_is_refused_with_GroupFull()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        await grid.AddMachinesAsync(group, 50);
        var extra = await grid.RegisterAsync("extra");

        var error = await Assert.ThrowsAsync<DomainException>(() => grid.Machine(extra).JoinGroup(grid.Owner, group, Grid.Password));

        Assert.Equal(DomainErrorCode.GroupFull, error.Code);
        Assert.Equal(50, (await grid.Group(group).Get(grid.Owner)).MachineCount);
        Assert.Null((await grid.Machine(extra).Get(grid.Owner)).GroupId);
    }

    [Fact]
    public async Task The_first_join_sets_the_password_a_wrong_one_is_refused_and_it_is_never_readable()
    {
        var data = GridSilo.NewDataDirectory();
        await using var silo = await GridSilo.StartAsync(data);
        var grid = new Grid(silo, Actors.Owner());
        var group = await grid.CreateGroupAsync();
        Assert.False((await grid.Group(group).Get(grid.Owner)).HasPassword);
        var first = await grid.RegisterAsync("first");
        var second = await grid.RegisterAsync("second");

        await grid.Machine(first).JoinGroup(grid.Owner, group, "first-password");
        var wrong = await Assert.ThrowsAsync<DomainException>(() => grid.Machine(second).JoinGroup(grid.Owner, group, "another-password"));
        await grid.Machine(second).JoinGroup(grid.Owner, group, "first-password");

        Assert.Equal(DomainErrorCode.WrongGroupPassword, wrong.Code);
        var view = await grid.Group(group).Get(grid.Owner);
        Assert.True(view.HasPassword);
        Assert.Equal(2, view.MachineCount);
        await silo.StopAsync();
        var stored = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(Path.Combine(data, "grid.db")));
        Assert.DoesNotContain("first-password", stored);
        Assert.DoesNotContain("first-password", System.Text.Json.JsonSerializer.Serialize(view));
    }

    [Fact]
    public async Task A_co_owner_changes_the_password_and_the_old_one_stops_working()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync();
        await grid.AddMachinesAsync(group, 1);
        var user = Actors.User();
        await grid.Group(group).Share(grid.Owner, user.Id, ResourceAccess.User);

        var refused = await Assert.ThrowsAsync<DomainException>(() => grid.Group(group).ChangePassword(user, "users-new-password"));
        await grid.Group(group).ChangePassword(grid.Owner, "owners-new-password");
        var late = await grid.RegisterAsync("late");
        var old = await Assert.ThrowsAsync<DomainException>(() => grid.Machine(late).JoinGroup(grid.Owner, group, Grid.Password));
        await grid.Machine(late).JoinGroup(grid.Owner, group, "owners-new-password");

        Assert.Equal(DomainErrorCode.Forbidden, refused.Code);
        Assert.Equal(DomainErrorCode.WrongGroupPassword, old.Code);
        Assert.Equal(2, (await grid.Group(group).Get(grid.Owner)).MachineCount);
    }

    [Fact]
    public async Task Deleting_a_group_with_machines_is_refused_and_an_empty_one_is_deleted()
    {
        var grid = shared.NewGrid();
        var group = await grid.CreateGroupAsync("keep");
        var machines = await grid.AddMachinesAsync(group, 1);

        var error = await Assert.ThrowsAsync<DomainException>(() => grid.Group(group).Delete(grid.Owner));
        Assert.Equal(DomainErrorCode.GroupNotEmpty, error.Code);
        Assert.Equal("keep", (await grid.Group(group).Get(grid.Owner)).Name);

        await grid.Machine(machines[0]).LeaveGroup(grid.Owner);
        await grid.Group(group).Delete(grid.Owner);
        var gone = await Assert.ThrowsAsync<DomainException>(() => grid.Group(group).Get(grid.Owner));
        Assert.Equal(DomainErrorCode.NotFound, gone.Code);
    }

    [Fact]
    public async Task A_machine_moves_between_groups_and_leaves()
    {
        var grid = shared.NewGrid();
        var first = await grid.CreateGroupAsync("first");
        var second = await grid.CreateGroupAsync("second");
        var machine = (await grid.AddMachinesAsync(first, 1))[0];

        await grid.Machine(machine).JoinGroup(grid.Owner, second, Grid.Password);
        Assert.Equal(0, (await grid.Group(first).Get(grid.Owner)).MachineCount);
        Assert.Equal(1, (await grid.Group(second).Get(grid.Owner)).MachineCount);
        Assert.Equal(second, (await grid.Machine(machine).Get(grid.Owner)).GroupId);

        await grid.Machine(machine).LeaveGroup(grid.Owner);
        Assert.Equal(0, (await grid.Group(second).Get(grid.Owner)).MachineCount);
        Assert.Null((await grid.Machine(machine).Get(grid.Owner)).GroupId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\u0001name")]
    public async Task Bad_group_names_are_refused_with_Validation_and_nothing_is_created(string name)
    {
        var grid = shared.NewGrid();
        var id = Ids.New("g");

        var error = await Assert.ThrowsAsync<DomainException>(() => grid.Group(id).Create(grid.Owner, new CreateGroup(name, null)));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
        Assert.Equal(DomainErrorCode.NotFound, (await Assert.ThrowsAsync<DomainException>(() => grid.Group(id).Get(grid.Owner))).Code);
    }

    [Fact]
    public async Task A_10_KB_name_is_refused()
    {
        var grid = shared.NewGrid();

        var error = await Assert.ThrowsAsync<DomainException>(() => grid.Group(Ids.New("g")).Create(grid.Owner, new CreateGroup(new string('x', 10_240), null)));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
    }
}
