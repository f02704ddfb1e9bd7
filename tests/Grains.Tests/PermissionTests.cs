using Xunit;

namespace MachineGrid.Grains.Tests;

/// <summary>
/// Every row of the seed's two permission tables, allowed and refused. Role rows give the actor the access the action
/// needs on the resource, so only the role decides; access rows give the actor the Machine Owner role, so only the access decides.
/// </summary>
[Collection(SharedGridA.Name)]
public sealed class PermissionTests(SharedGrid shared)
{
    public static TheoryData<EnvironmentRoles, bool> RegisterRows => new()
    {
        { EnvironmentRoles.MachineOwner, true },
        { EnvironmentRoles.MachineUser, false },
        { EnvironmentRoles.MachineUserCanShare, false },
        { EnvironmentRoles.EnvironmentMaker, true },
        { EnvironmentRoles.EnvironmentAdmin, true },
        { EnvironmentRoles.None, false },
    };

    public static TheoryData<EnvironmentRoles, bool> RunRows => new()
    {
        { EnvironmentRoles.MachineOwner, true },
        { EnvironmentRoles.MachineUser, true },
        { EnvironmentRoles.MachineUserCanShare, true },
        { EnvironmentRoles.None, false },
    };

    public static TheoryData<EnvironmentRoles, bool> ShareRows => new()
    {
        { EnvironmentRoles.MachineOwner, true },
        { EnvironmentRoles.MachineUser, false },
        { EnvironmentRoles.MachineUserCanShare, true },
    };

    public static TheoryData<EnvironmentRoles, bool> OwnerOnlyRows => new()
    {
        { EnvironmentRoles.MachineOwner, true },
        { EnvironmentRoles.MachineUser, false },
        { EnvironmentRoles.MachineUserCanShare, false },
    };

    public static TheoryData<ResourceAccess, bool> GroupAccessRows => new()
    {
        { ResourceAccess.CoOwner, true },
        { ResourceAccess.User, false },
    };

    [Theory]
    [MemberData(nameof(RegisterRows))]
    public async Task Role_register_a_machine(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var id = Ids.New("m");

        await Expect(allowed, () => grid.Machine(id).Register(actor, new RegisterMachine("m", null, MachineKind.Desktop, 1, "2.50", "Windows", "fp")));
    }

    [Theory]
    [MemberData(nameof(RunRows))]
    public async Task Role_run_a_desktop_flow(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var group = await grid.CreateGroupAsync();
        await grid.Group(group).Share(grid.Owner, actor.Id, ResourceAccess.User);
        var credential = await grid.CreateCredentialAsync("runner");
        await grid.Grains.GetGrain<ICredentialGrain>(credential).Share(grid.Owner, actor.Id, ResourceAccess.User);
        var connection = await grid.ConnectAsync(group, credential);

        await Expect(allowed, () => grid.SubmitAsync(connection, actor));
    }

    [Theory]
    [MemberData(nameof(ShareRows))]
    public async Task Role_share_a_machine(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var machine = await grid.RegisterAsync("m");
        await grid.Machine(machine).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Machine(machine).Share(actor, "p-someone", ResourceAccess.User));
    }

    [Theory]
    [MemberData(nameof(ShareRows))]
    public async Task Role_share_a_machine_group(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var group = await grid.CreateGroupAsync();
        await grid.Group(group).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Group(group).Share(actor, "p-someone", ResourceAccess.User));
    }

    [Theory]
    [MemberData(nameof(OwnerOnlyRows))]
    public async Task Role_add_machine_to_group(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var group = await grid.CreateGroupAsync();
        await grid.Group(group).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);
        var machine = await grid.RegisterAsync("m");
        await grid.Machine(machine).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Machine(machine).JoinGroup(actor, group, Grid.Password));
        Assert.Equal(allowed ? 1 : 0, (await grid.Group(group).Get(grid.Owner)).MachineCount);
    }

    [Theory]
    [MemberData(nameof(OwnerOnlyRows))]
    public async Task Role_edit_machine_details(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var machine = await grid.RegisterAsync("m");
        await grid.Machine(machine).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Machine(machine).Update(actor, new UpdateMachine("edited", null, null)));
        Assert.Equal(allowed ? "edited" : null, (await grid.Machine(machine).Get(grid.Owner)).Description);
    }

    [Theory]
    [MemberData(nameof(OwnerOnlyRows))]
    public async Task Role_edit_machine_group_details(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var group = await grid.CreateGroupAsync("before");
        await grid.Group(group).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Group(group).Update(actor, new UpdateGroup("after", null, null)));
        Assert.Equal(allowed ? "after" : "before", (await grid.Group(group).Get(grid.Owner)).Name);
    }

    [Theory]
    [MemberData(nameof(OwnerOnlyRows))]
    public async Task Role_delete_machine(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var machine = await grid.RegisterAsync("m");
        await grid.Machine(machine).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Machine(machine).Delete(actor));
        Assert.Equal(allowed, await grid.Machine(machine).NameOf() is null);
    }

    [Theory]
    [MemberData(nameof(OwnerOnlyRows))]
    public async Task Role_delete_machine_group(EnvironmentRoles roles, bool allowed)
    {
        var grid = shared.NewGrid();
        var actor = Actors.New("actor", roles);
        var group = await grid.CreateGroupAsync();
        await grid.Group(group).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Group(group).Delete(actor));
        Assert.Equal(allowed, await grid.Group(group).AccessOf(grid.Owner) is null);
    }

    [Theory]
    [InlineData(ResourceAccess.CoOwner)]
    [InlineData(ResourceAccess.User)]
    public async Task Access_run_a_desktop_flow_on_the_group(ResourceAccess access)
    {
        var grid = shared.NewGrid();
        var actor = Actors.Owner();
        var group = await grid.CreateGroupAsync();
        await grid.Group(group).Share(grid.Owner, actor.Id, access);
        var credential = await grid.CreateCredentialAsync("runner", actor);
        var connection = await grid.ConnectAsync(group, credential, actor);

        var run = await grid.SubmitAsync(connection, actor);

        Assert.Equal(RunStatus.Queued, (await grid.RunGrain(run).Get(actor)).Status);
    }

    [Fact]
    public async Task Access_none_cannot_run_a_desktop_flow_on_the_group()
    {
        var grid = shared.NewGrid();
        var actor = Actors.Owner();
        var group = await grid.CreateGroupAsync();
        var credential = await grid.CreateCredentialAsync("runner", actor);

        await Expect(false, () => grid.ConnectAsync(group, credential, actor));
    }

    [Theory]
    [MemberData(nameof(GroupAccessRows))]
    public async Task Access_share_the_machine_group(ResourceAccess access, bool allowed)
    {
        var (grid, actor, group) = await GroupWithActor(access);

        await Expect(allowed, () => grid.Group(group).Share(actor, "p-someone", ResourceAccess.User));
    }

    [Theory]
    [MemberData(nameof(GroupAccessRows))]
    public async Task Access_add_machines_to_group(ResourceAccess access, bool allowed)
    {
        var (grid, actor, group) = await GroupWithActor(access);
        var machine = await grid.RegisterAsync("actors machine");
        await grid.Machine(machine).Share(grid.Owner, actor.Id, ResourceAccess.CoOwner);

        await Expect(allowed, () => grid.Machine(machine).JoinGroup(actor, group, Grid.Password));
    }

    [Theory]
    [MemberData(nameof(GroupAccessRows))]
    public async Task Access_remove_machines_from_group(ResourceAccess access, bool allowed)
    {
        var (grid, actor, group) = await GroupWithActor(access);
        var machine = (await grid.AddMachinesAsync(group, 1))[0];

        await Expect(allowed, () => grid.Machine(machine).LeaveGroup(actor));
        Assert.Equal(allowed ? 0 : 1, (await grid.Group(group).Get(grid.Owner)).MachineCount);
    }

    [Theory]
    [MemberData(nameof(GroupAccessRows))]
    public async Task Access_edit_group_details(ResourceAccess access, bool allowed)
    {
        var (grid, actor, group) = await GroupWithActor(access);

        await Expect(allowed, () => grid.Group(group).Update(actor, new UpdateGroup(null, "new description", null)));
    }

    [Theory]
    [MemberData(nameof(GroupAccessRows))]
    public async Task Access_delete_machine_group(ResourceAccess access, bool allowed)
    {
        var (grid, actor, group) = await GroupWithActor(access);

        await Expect(allowed, () => grid.Group(group).Delete(actor));
    }

    private async Task<(Grid Grid, Actor Actor, string Group)> GroupWithActor(ResourceAccess access)
    {
        var grid = shared.NewGrid();
        var actor = Actors.Owner();
        var group = await grid.CreateGroupAsync();
        await grid.Group(group).Share(grid.Owner, actor.Id, access);
        return (grid, actor, group);
    }

    private static async Task Expect(bool allowed, Func<Task> action)
    {
        if (allowed)
        {
            await action();
            return;
        }
        var error = await Assert.ThrowsAsync<DomainException>(action);
        Assert.Equal(DomainErrorCode.Forbidden, error.Code);
    }
}
