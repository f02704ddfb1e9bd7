using System.Runtime.ExceptionServices;

namespace MachineGrid.Grains;

/// <summary>
/// The agent's reports on the runs placed on a machine, its start and its completion, passed on to the run and to the
/// group that placed it. The machine keeps a run until both took its completion, so an agent's retry after a silo
/// failed still finds it here.
/// </summary>
internal sealed class MachineRunReports(IGrainFactory grains, MachineInbox inbox, string machineId, Func<MachineState> machine)
{
    private MachineState Machine => machine();

    private IMachineGroupGrain Group => grains.GetGrain<IMachineGroupGrain>(Machine.GroupId ?? GroupIds.SoloFor(machineId));

    public async Task StartAsync(string runId)
    {
        DemandPlaced(runId);
        // The group's row is the record of the start, and the run's index rows follow it: the two writes share a commit
        // rather than wait one for the other, and the agent is answered once both are durable.
        var recorded = Group.RunStarted(runId, machineId);
        var told = grains.GetGrain<IRunGrain>(runId).Started(machineId);
        try
        {
            await Task.WhenAll(recorded, told);
        }
        catch when (told.Exception?.InnerException is DomainException { Code: DomainErrorCode.NotFound } missing)
        {
            await DropMissingAsync(runId);
            ExceptionDispatchInfo.Throw(missing);
        }
        inbox.MarkStarted(runId);
    }

    /// <summary>
    /// Lets go of a run that has no record: a run's record is written before its group's, in the order storage keeps, so
    /// one is missing only when its submission's silo died between the two, and the run can never be started or ended.
    /// </summary>
    public async Task DropMissingAsync(string runId)
    {
        if (inbox.Holds(runId))
        {
            await Group.DropMissingRun(runId);
            inbox.Forget(runId);
        }
    }

    /// <summary>Tells the run and its group that the run ended; returns whether the machine let go of a run it held.</summary>
    public async Task<bool> CompleteAsync(string runId, bool succeeded, string? outputs, string? error)
    {
        if (!inbox.Holds(runId))
        {
            await CompleteNotHeldAsync(runId, succeeded, outputs, error);
            return false;
        }
        // Neither call can refuse a run held here: both writes go to storage together, and the session is free for the
        // next run after one commit rather than two in a row.
        await Task.WhenAll(grains.GetGrain<IRunGrain>(runId).Completed(machineId, succeeded, outputs, error), Group.RunEnded(runId));
        inbox.Forget(runId);
        return true;
    }

    /// <summary>
    /// A retried completion that reached the group but not the run (the run's silo died), after the machine's activation
    /// was rebuilt from the group, which no longer holds the run: the run still knows which machine it is on, and decides.
    /// Only then is the group told (again; it ignores a run it let go), so no machine can end another's run there.
    /// </summary>
    private async Task CompleteNotHeldAsync(string runId, bool succeeded, string? outputs, string? error)
    {
        try
        {
            await grains.GetGrain<IRunGrain>(runId).Completed(machineId, succeeded, outputs, error);
        }
        catch (DomainException ex) when (ex.Code is DomainErrorCode.Forbidden or DomainErrorCode.NotFound)
        {
            throw NotPlaced(runId);
        }
        await Group.RunEnded(runId);
    }

    private void DemandPlaced(string runId)
    {
        if (!inbox.Holds(runId))
        {
            throw NotPlaced(runId);
        }
    }

    private DomainException NotPlaced(string runId) =>
        new(DomainErrorCode.InvalidState, $"Run {runId} is not assigned to machine {Machine.Name}.");
}
