using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Machine groups: CRUD, password, members, queue and shares.</summary>
public static class GroupsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapGroupsApi(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups");
        groups.MapPost("/", Create);
        groups.MapGet("/", List);
        groups.MapGet("/{id}", Get);
        groups.MapPatch("/{id}", Update);
        groups.MapDelete("/{id}", Delete);
        groups.MapPut("/{id}/password", ChangePassword);
        groups.MapGet("/{id}/machines", Machines);
        groups.MapGet("/{id}/queue", Queue);
        groups.MapPost("/{id}/shares", Share);
        groups.MapDelete("/{id}/shares/{principalId}", Unshare);
        return api;
    }

    private static async Task<Created<GroupView>> Create(CreateGroup request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = Ids.New("g");
        var view = await grains.GetGrain<IMachineGroupGrain>(id).Create(user.Actor(), request);
        return TypedResults.Created($"/api/v1/groups/{id}", view);
    }

    private static async Task<Ok<Page<GroupView>>> List(ClaimsPrincipal user, IGrainFactory grains, int? limit, string? cursor) =>
        TypedResults.Ok(await grains.GetGrain<IDirectoryGrain>("environment").ListGroups(user.Actor(), ListQuery.Cursor(cursor), ListQuery.Limit(limit)));

    private static async Task<Ok<GroupView>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await Group(grains, id).Get(user.Actor()));

    private static async Task<Ok<GroupView>> Update(string id, UpdateGroup request, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await Group(grains, id).Update(user.Actor(), request));

    private static async Task<NoContent> Delete(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        await Group(grains, id).Delete(user.Actor());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ChangePassword(string id, PasswordRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        await Group(grains, id).ChangePassword(user.Actor(), request.NewPassword);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<MachineAvailability>>> Machines(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new Page<MachineAvailability>(await Group(grains, id).GetMachines(user.Actor()), null));

    private static async Task<Ok<Page<QueuedRunView>>> Queue(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new Page<QueuedRunView>(await Group(grains, id).GetQueue(user.Actor()), null));

    private static async Task<NoContent> Share(string id, ShareRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        await Group(grains, id).Share(user.Actor(), request.PrincipalId, request.Access);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Unshare(string id, string principalId, ClaimsPrincipal user, IGrainFactory grains)
    {
        await Group(grains, id).Unshare(user.Actor(), principalId);
        return TypedResults.NoContent();
    }

    private static IMachineGroupGrain Group(IGrainFactory grains, string id)
    {
        DomainException.Require(!GroupIds.IsSolo(id), "Not a group id.");
        return grains.GetGrain<IMachineGroupGrain>(id);
    }
}
