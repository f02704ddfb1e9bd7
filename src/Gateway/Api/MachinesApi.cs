using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Machines: registration, details, group membership and shares.</summary>
public static class MachinesApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapMachinesApi(this RouteGroupBuilder api)
    {
        var machines = api.MapGroup("/machines");
        machines.MapPost("/", Register);
        machines.MapGet("/", List);
        machines.MapGet("/{id}", Get);
        machines.MapPatch("/{id}", Update);
        machines.MapDelete("/{id}", Delete);
        machines.MapPut("/{id}/group", Join);
        machines.MapDelete("/{id}/group", Leave);
        machines.MapPost("/{id}/shares", Share);
        machines.MapDelete("/{id}/shares/{principalId}", Unshare);
        return api;
    }

    private static async Task<Created<RegisteredMachineResponse>> Register(RegisterMachine request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = Ids.New("m");
        var registration = await grains.GetGrain<IMachineGrain>(id).Register(user.Actor(), request);
        return TypedResults.Created($"/api/v1/machines/{id}", RegisteredMachineResponse.From(registration));
    }

    private static async Task<Ok<Page<MachineView>>> List(ClaimsPrincipal user, IGrainFactory grains, int? limit, string? cursor) =>
        TypedResults.Ok(await grains.GetGrain<IDirectoryGrain>("environment").ListMachines(user.Actor(), ListQuery.Cursor(cursor), ListQuery.Limit(limit)));

    private static async Task<Ok<MachineView>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMachineGrain>(id).Get(user.Actor()));

    private static async Task<Ok<MachineView>> Update(string id, UpdateMachine request, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMachineGrain>(id).Update(user.Actor(), request));

    private static async Task<NoContent> Delete(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineGrain>(id).Delete(user.Actor());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Join(string id, JoinGroupRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineGrain>(id).JoinGroup(user.Actor(), request.GroupId, request.Password);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Leave(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineGrain>(id).LeaveGroup(user.Actor());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Share(string id, ShareRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineGrain>(id).Share(user.Actor(), request.PrincipalId, request.Access);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Unshare(string id, string principalId, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineGrain>(id).Unshare(user.Actor(), principalId);
        return TypedResults.NoContent();
    }
}
