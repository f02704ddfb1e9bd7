namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    /// <summary>Creates a machine group owned by the caller.</summary>
    public Task<MachineGroup> CreateGroupAsync(CreateGroupRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "groups", GatewayTransport.Body(request, Json.CreateGroupRequest), Json.MachineGroup, cancellationToken);

    /// <summary>One page of the groups visible to the caller.</summary>
    public Task<Page<MachineGroup>> ListGroupsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, "groups" + new QueryString().Add("limit", limit).Add("cursor", cursor), null, Json.PageMachineGroup, cancellationToken);

    /// <summary>Every group visible to the caller, page after page.</summary>
    public IAsyncEnumerable<MachineGroup> GetAllGroupsAsync(CancellationToken cancellationToken = default) =>
        Paging.EnumerateAsync((cursor, ct) => ListGroupsAsync(limit: null, cursor, ct), cancellationToken);

    /// <summary>A group by id.</summary>
    public Task<MachineGroup> GetGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"groups/{PathSegment.Of(groupId)}", null, Json.MachineGroup, cancellationToken);

    /// <summary>Changes a group's name, description or maintenance mode; null fields stay as they are.</summary>
    public async Task<MachineGroup> UpdateGroupAsync(string groupId, UpdateGroupRequest request, CancellationToken cancellationToken = default) =>
        await transport.SendForOptionalAsync(HttpMethod.Patch, $"groups/{PathSegment.Of(groupId)}", GatewayTransport.Body(request, Json.UpdateGroupRequest), Json.MachineGroup, cancellationToken).ConfigureAwait(false)
        ?? await GetGroupAsync(groupId, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes an empty group; a group with machines fails with <see cref="ErrorCodes.GroupNotEmpty"/>.</summary>
    public Task DeleteGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"groups/{PathSegment.Of(groupId)}", null, cancellationToken);

    /// <summary>Sets the password machines must present to join the group (owner or co-owner).</summary>
    public Task SetGroupPasswordAsync(string groupId, string newPassword, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Put, $"groups/{PathSegment.Of(groupId)}/password", GatewayTransport.Body(new SetGroupPasswordRequest(newPassword), Json.SetGroupPasswordRequest), cancellationToken);

    /// <summary>One page of the group's machines, as the group schedules them (online, sessions, failed credentials).</summary>
    public Task<Page<GroupMachine>> ListGroupMachinesAsync(string groupId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"groups/{PathSegment.Of(groupId)}/machines" + new QueryString().Add("limit", limit).Add("cursor", cursor), null, Json.PageGroupMachine, cancellationToken);

    /// <summary>One page of the runs queued in the group, in assignment order, with why each waits.</summary>
    public Task<Page<QueuedRun>> GetGroupQueueAsync(string groupId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"groups/{PathSegment.Of(groupId)}/queue" + new QueryString().Add("limit", limit).Add("cursor", cursor), null, Json.PageQueuedRun, cancellationToken);

    /// <summary>Shares the group with a principal as <see cref="ResourceAccess.CoOwner"/> or <see cref="ResourceAccess.User"/>.</summary>
    public Task ShareGroupAsync(string groupId, string principalId, ResourceAccess access, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, $"groups/{PathSegment.Of(groupId)}/shares", GatewayTransport.Body(new ShareRequest(principalId, access), Json.ShareRequest), cancellationToken);

    /// <summary>Removes a principal's share of the group.</summary>
    public Task UnshareGroupAsync(string groupId, string principalId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"groups/{PathSegment.Of(groupId)}/shares/{PathSegment.Of(principalId, nameof(principalId))}", null, cancellationToken);
}
