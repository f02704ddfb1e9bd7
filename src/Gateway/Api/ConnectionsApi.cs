using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Desktop flow connections.</summary>
public static class ConnectionsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapConnectionsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/connections", Create);
        api.MapGet("/connections/{id}", Get);
        return api;
    }

    private static async Task<Created<ConnectionView>> Create(CreateConnection request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = Ids.New("conn");
        var view = await grains.GetGrain<IConnectionGrain>(id).Create(user.Actor(), request);
        return TypedResults.Created($"/api/v1/connections/{id}", view);
    }

    private static async Task<Ok<ConnectionView>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IConnectionGrain>(id).Get(user.Actor()));
}
