namespace MachineGrid.Grains;

internal static class GroupViews
{
    /// <summary>The group as a caller with <paramref name="access"/> sees it.</summary>
    public static GroupView Of(string groupId, GroupState group, GroupRuns runs, ResourceAccess? access) => new(
        groupId,
        group.Name,
        group.Description,
        group.Members.Count,
        runs.Assigned.Count,
        runs.Queued.Count,
        access,
        group.Access.Owner ?? new PrincipalRef("", ""),
        group.Maintenance,
        group.Password is not null);
}
