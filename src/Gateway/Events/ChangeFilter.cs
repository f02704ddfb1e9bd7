namespace MachineGrid.Gateway;

/// <summary>
/// Turns changed ids into one stream's <see cref="ChangesEvent"/>: each id is looked up through its grain as the
/// stream's actor, so the grains' own access rules decide what is sent (the same calls the REST endpoints make).
/// At most <see cref="MaxPerKind"/> ids of each kind are looked up per event; beyond that the event says overflow.
/// </summary>
public sealed class ChangeFilter(Actor actor, IGrainFactory grains)
{
    /// <summary>The most groups, machines or run queues looked up for one event.</summary>
    public const int MaxPerKind = 100;

    private readonly HashSet<string> shownGroups = new(StringComparer.Ordinal);
    private readonly HashSet<string> shownMachines = new(StringComparer.Ordinal);

    /// <summary>The event for these changes; empty when the actor may see none of them.</summary>
    public async Task<ChangesEvent> FilterAsync(PendingChanges changes)
    {
        var overflow = changes.Overflow || changes.Groups.Count > MaxPerKind || changes.Machines.Count > MaxPerKind || changes.RunQueues.Count > MaxPerKind;
        var groupIds = changes.Groups.Where(id => !GroupIds.IsSolo(id)).Take(MaxPerKind).ToList();
        var machineIds = changes.Machines.Take(MaxPerKind).ToList();
        var queueIds = changes.RunQueues.Take(MaxPerKind).ToList();
        var groups = Task.WhenAll(groupIds.Select(id => LookUp(() => grains.GetGrain<IMachineGroupGrain>(id).Get(actor))));
        var machines = Task.WhenAll(machineIds.Select(id => LookUp(() => grains.GetGrain<IMachineGrain>(id).Get(actor))));
        var queues = Task.WhenAll(queueIds.Select(id => LookUp(async () => await grains.GetGrain<IMachineGroupGrain>(id).AccessOf(actor) is not null)));
        var (groupViews, removedGroups, groupsFailed) = Split(groupIds, await groups, shownGroups);
        var (machineViews, removedMachines, machinesFailed) = Split(machineIds, await machines, shownMachines);
        var visibleQueues = queueIds.Zip(await queues).Where(q => q.Second is { Outcome: Outcome.Found, Value: true }).Select(q => q.First).ToList();
        return new ChangesEvent(
            groupViews,
            removedGroups,
            machineViews,
            removedMachines,
            [.. visibleQueues.Where(id => !GroupIds.IsSolo(id))],
            [.. visibleQueues.Where(GroupIds.IsSolo).Select(id => id[GroupIds.SoloFor("").Length..])],
            overflow || groupsFailed || machinesFailed);
    }

    private static (List<T> Views, List<string> Removed, bool Failed) Split<T>(List<string> ids, (Outcome Outcome, T? Value)[] results, HashSet<string> shown)
    {
        var views = new List<T>();
        var removed = new List<string>();
        var failed = false;
        for (var i = 0; i < ids.Count; i++)
        {
            switch (results[i].Outcome)
            {
                case Outcome.Found:
                    views.Add(results[i].Value!);
                    shown.Add(ids[i]);
                    break;
                case Outcome.NotFound:
                    removed.Add(ids[i]);
                    shown.Remove(ids[i]);
                    break;
                case Outcome.Forbidden when shown.Remove(ids[i]):
                    removed.Add(ids[i]);
                    break;
                case Outcome.Failed:
                    failed = true;
                    break;
            }
        }
        return (views, removed, failed);
    }

    private static async Task<(Outcome Outcome, T? Value)> LookUp<T>(Func<Task<T>> call)
    {
        try
        {
            return (Outcome.Found, await call());
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.NotFound)
        {
            return (Outcome.NotFound, default);
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.Forbidden)
        {
            return (Outcome.Forbidden, default);
        }
        catch (Exception ex) when (ex is TimeoutException or DomainException)
        {
            // The page refetches what it shows rather than miss this change.
            return (Outcome.Failed, default);
        }
    }

    private enum Outcome
    {
        Found,
        NotFound,
        Forbidden,
        Failed,
    }
}
