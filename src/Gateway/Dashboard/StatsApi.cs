using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>The overview's numbers: <c>GET /overview</c> (any user, over what they may see) and <c>GET /stats</c> (Environment Admins).</summary>
public static class StatsApi
{
    /// <summary>The most pages of groups or machines the overview reads.</summary>
    public const int MaxPages = 25;

    /// <summary>Maps the endpoints on the user group.</summary>
    public static RouteGroupBuilder MapStatsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/overview", Overview);
        api.MapGet("/stats", Stats);
        return api;
    }

    private static Ok<GridStats> Stats(ClaimsPrincipal user, StatsSampler stats)
    {
        if (!user.Actor().IsAdmin)
        {
            throw new DomainException(DomainErrorCode.Forbidden, "Runtime statistics are shown to Environment Admins only.");
        }
        return TypedResults.Ok(stats.Current(withHistory: true));
    }

    private static async Task<Ok<GridOverview>> Overview(ClaimsPrincipal user, IGrainFactory grains)
    {
        var actor = user.Actor();
        var directory = grains.GetGrain<IDirectoryGrain>("environment");
        var (groups, groupsTruncated) = await ReadAllAsync(cursor => directory.ListGroups(actor, cursor, ListQuery.MaxLimit));
        var statuses = new Dictionary<string, MachineStatus>(StringComparer.Ordinal);
        var members = await Task.WhenAll(groups.Select(async group =>
        {
            try
            {
                return await grains.GetGrain<IMachineGroupGrain>(group.Id).GetMachines(actor);
            }
            catch (DomainException ex) when (ex.Code is DomainErrorCode.NotFound or DomainErrorCode.Forbidden)
            {
                return [];
            }
        }));
        foreach (var machine in members.SelectMany(m => m))
        {
            statuses[machine.MachineId] = machine.Maintenance ? MachineStatus.Maintenance : machine.Online ? MachineStatus.Online : MachineStatus.Offline;
        }
        // Machines outside the visible groups that the caller owns or was shared (admins: every machine).
        var (machines, machinesTruncated) = await ReadAllAsync(cursor => directory.ListMachines(actor, cursor, ListQuery.MaxLimit));
        foreach (var machine in machines)
        {
            statuses.TryAdd(machine.Id, machine.Status);
        }
        return TypedResults.Ok(new GridOverview(
            groups.Count,
            new MachineCounts(
                statuses.Values.Count(s => s == MachineStatus.Online),
                statuses.Values.Count(s => s == MachineStatus.Offline),
                statuses.Values.Count(s => s == MachineStatus.Maintenance)),
            new RunCounts(groups.Sum(g => g.QueuedCount), groups.Sum(g => g.RunningCount)),
            groupsTruncated || machinesTruncated));
    }

    private static async Task<(List<T> Items, bool Truncated)> ReadAllAsync<T>(Func<string?, Task<Page<T>>> read)
    {
        var items = new List<T>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var next = await read(cursor);
            items.AddRange(next.Items);
            if ((cursor = next.Next) is null)
            {
                return (items, false);
            }
        }
        return (items, true);
    }
}
