
namespace MachineGrid.Grains;

/// <summary>Checks that an actor may run flows on a machine or group that another grain refers to.</summary>
internal static class RunFlowAccess
{
    /// <summary>
    /// Demands RunFlow on the machine (through its group when it has one) and returns it as the actor sees it.
    /// </summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.NotFound"/> or <see cref="DomainErrorCode.Forbidden"/>.</exception>
    public static async Task<MachineView> DemandOnMachine(IGrainFactory grains, Actor actor, string machineId)
    {
        var machine = await grains.GetGrain<IMachineGrain>(machineId).Get(actor);
        AccessPolicy.Demand(actor, machine.Access, GridAction.RunFlow, "machine", machineId);
        return machine;
    }

    /// <summary>Demands RunFlow on the group.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.NotFound"/> or <see cref="DomainErrorCode.Forbidden"/>.</exception>
    public static async Task DemandOnGroup(IGrainFactory grains, Actor actor, string groupId)
    {
        var group = grains.GetGrain<IMachineGroupGrain>(groupId);
        var access = await group.AccessOf(actor);
        if (access is null)
        {
            // No access also when the group does not exist: Get tells the two apart (and lets admins through).
            await group.Get(actor);
        }
        AccessPolicy.Demand(actor, access, GridAction.RunFlow, "group", groupId);
    }
}
