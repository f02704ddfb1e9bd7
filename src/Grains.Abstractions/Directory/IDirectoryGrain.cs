using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>
/// Lists resources from query-side indexes kept in storage, so listing never scans grains (any key; one per environment).
/// Non-admins see what they own or was shared with them; admins see everything.
/// </summary>
[Alias("mg.IDirectoryGrain")]
public interface IDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The groups visible to the actor with the group list's columns.</summary>
    Task<Page<GroupView>> ListGroups(Actor actor, string? cursor, int limit);

    /// <summary>The machines the actor owns or that were shared with it (a group's machines are listed on the group).</summary>
    Task<Page<MachineView>> ListMachines(Actor actor, string? cursor, int limit);

    /// <summary>The credentials visible to the actor.</summary>
    Task<Page<CredentialView>> ListCredentials(Actor actor, string? cursor, int limit);

    /// <summary>The machine mappings visible to the actor.</summary>
    Task<Page<MappingView>> ListMappings(Actor actor, string? cursor, int limit);

    /// <summary>
    /// Runs, newest first. With a group or machine the actor needs access to it; without, non-admins see the runs they submitted.
    /// </summary>
    Task<Page<RunView>> ListRuns(Actor actor, RunFilter filter, string? cursor, int limit);
}
