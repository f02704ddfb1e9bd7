
namespace MachineGrid.Grains;

/// <summary>Answers list queries from the directory and run indexes, fetching each listed resource's view from its grain.</summary>
[Reentrant]
public sealed class DirectoryGrain(DirectoryIndex directory, RunIndex runs) : Grain, IDirectoryGrain
{
    private const int MaxLimit = 200;

    /// <inheritdoc />
    public Task<Page<GroupView>> ListGroups(Actor actor, string? cursor, int limit) =>
        ListAsync("group", actor, cursor, limit, id => GrainFactory.GetGrain<IMachineGroupGrain>(id).Get(actor));

    /// <inheritdoc />
    public Task<Page<MachineView>> ListMachines(Actor actor, string? cursor, int limit) =>
        ListAsync("machine", actor, cursor, limit, id => GrainFactory.GetGrain<IMachineGrain>(id).Get(actor));

    /// <inheritdoc />
    public Task<Page<CredentialView>> ListCredentials(Actor actor, string? cursor, int limit) =>
        ListAsync("credential", actor, cursor, limit, id => GrainFactory.GetGrain<ICredentialGrain>(id).Get(actor));

    /// <inheritdoc />
    public Task<Page<MappingView>> ListMappings(Actor actor, string? cursor, int limit) =>
        ListAsync("mapping", actor, cursor, limit, id => GrainFactory.GetGrain<IMachineMappingGrain>(id).Get(actor));

    /// <inheritdoc />
    public async Task<Page<RunView>> ListRuns(Actor actor, RunFilter filter, string? cursor, int limit)
    {
        DomainException.Require(filter is not null, "A filter is required.");
        var groupId = filter!.GroupId is null ? null : Validate.Id(filter.GroupId, "groupId");
        var machineId = filter.MachineId is null ? null : Validate.Id(filter.MachineId, "machineId");
        if (filter.Status is { } status)
        {
            Validate.Enum(status, "status");
        }
        var (after, size) = (Cursor(cursor), Limit(limit));
        if (!actor.IsAdmin)
        {
            var access = machineId is not null ? await GrainFactory.GetGrain<IMachineGrain>(machineId).AccessOf(actor)
                : groupId is not null ? await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).AccessOf(actor)
                : ResourceAccess.User;
            if (access is null)
            {
                throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has no access to {machineId ?? groupId}.");
            }
        }
        Func<string, Task<RunView>> current = id => GrainFactory.GetGrain<IRunGrain>(id).Snapshot();
        var notEnded = filter.Status is { } wanted && !RunIndex.IsEnded(wanted) ? wanted : (RunStatus?)null;
        // A machine, and a group, holds every run of its own not ended: ask it rather than read its history.
        if (machineId is not null && (notEnded is not null || filter.Status is null))
        {
            var held = await GrainFactory.GetGrain<IMachineGrain>(machineId).RunsIn(notEnded);
            return notEnded is { } only
                ? await RunIndex.PageAsync(held, after, size, only, current)
                : await runs.MachinePageAsync(machineId, held, after, size, current);
        }
        if (groupId is not null && machineId is null && notEnded is { } inGroup)
        {
            return await RunIndex.PageAsync(await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).RunsIn(inGroup), after, size, inGroup, current);
        }
        return await runs.PageAsync(RunIndex.PrefixFor(actor, filter with { GroupId = groupId, MachineId = machineId }), after, size, filter.Status, current);
    }

    private async Task<Page<T>> ListAsync<T>(string kind, Actor actor, string? cursor, int limit, Func<string, Task<T>> view)
    {
        var (ids, next) = await directory.PageAsync(kind, actor, Cursor(cursor), Limit(limit));
        var views = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return (Found: true, View: await view(id));
            }
            catch (DomainException ex) when (ex.Code is DomainErrorCode.NotFound or DomainErrorCode.Forbidden)
            {
                // Deleted or unshared between the index read and the grain call.
                return (Found: false, View: default(T)!);
            }
        }));
        return new Page<T>([.. views.Where(v => v.Found).Select(v => v.View)], next);
    }

    private static int Limit(int limit)
    {
        DomainException.Require(limit is >= 1 and <= MaxLimit, $"limit must be 1 to {MaxLimit}.");
        return limit;
    }

    private static string? Cursor(string? cursor)
    {
        DomainException.Require(cursor is null || (cursor.Length <= 512 && !cursor.Any(char.IsControl)), "cursor is not valid.");
        return cursor;
    }
}
