namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    /// <summary>Registers a machine. The returned machine key is shown only this once.</summary>
    public Task<RegisteredMachine> RegisterMachineAsync(RegisterMachineRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "machines", GatewayTransport.Body(request, Json.RegisterMachineRequest), Json.RegisteredMachine, cancellationToken);

    /// <summary>One page of the machines visible to the caller.</summary>
    public Task<Page<Machine>> ListMachinesAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, "machines" + new QueryString().Add("limit", limit).Add("cursor", cursor), null, Json.PageMachine, cancellationToken);

    /// <summary>Every machine visible to the caller, page after page.</summary>
    public IAsyncEnumerable<Machine> GetAllMachinesAsync(CancellationToken cancellationToken = default) =>
        Paging.EnumerateAsync((cursor, ct) => ListMachinesAsync(limit: null, cursor, ct), cancellationToken);

    /// <summary>A machine by id.</summary>
    public Task<Machine> GetMachineAsync(string machineId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"machines/{PathSegment.Of(machineId)}", null, Json.Machine, cancellationToken);

    /// <summary>Changes a machine's description, maintenance mode or session limit; null fields stay as they are.</summary>
    public async Task<Machine> UpdateMachineAsync(string machineId, UpdateMachineRequest request, CancellationToken cancellationToken = default) =>
        await transport.SendForOptionalAsync(HttpMethod.Patch, $"machines/{PathSegment.Of(machineId)}", GatewayTransport.Body(request, Json.UpdateMachineRequest), Json.Machine, cancellationToken).ConfigureAwait(false)
        ?? await GetMachineAsync(machineId, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes a machine.</summary>
    public Task DeleteMachineAsync(string machineId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"machines/{PathSegment.Of(machineId)}", null, cancellationToken);

    /// <summary>
    /// Joins the machine to a group with the group's password; a machine already in a group moves.
    /// Fails with <see cref="ErrorCodes.WrongGroupPassword"/> (403) or <see cref="ErrorCodes.GroupFull"/> (409).
    /// </summary>
    public Task JoinGroupAsync(string machineId, string groupId, string password, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Put, $"machines/{PathSegment.Of(machineId)}/group", GatewayTransport.Body(new JoinGroupRequest(groupId, password), Json.JoinGroupRequest), cancellationToken);

    /// <summary>Takes the machine out of its group.</summary>
    public Task LeaveGroupAsync(string machineId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"machines/{PathSegment.Of(machineId)}/group", null, cancellationToken);

    /// <summary>Shares the machine with a principal.</summary>
    public Task ShareMachineAsync(string machineId, string principalId, ResourceAccess access, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, $"machines/{PathSegment.Of(machineId)}/shares", GatewayTransport.Body(new ShareRequest(principalId, access), Json.ShareRequest), cancellationToken);

    /// <summary>Removes a principal's share of the machine.</summary>
    public Task UnshareMachineAsync(string machineId, string principalId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"machines/{PathSegment.Of(machineId)}/shares/{PathSegment.Of(principalId, nameof(principalId))}", null, cancellationToken);
}
