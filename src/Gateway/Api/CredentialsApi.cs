using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Credentials. The secret is write-only: no response ever carries it.</summary>
public static class CredentialsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapCredentialsApi(this RouteGroupBuilder api)
    {
        var credentials = api.MapGroup("/credentials");
        credentials.MapPost("/", Create);
        credentials.MapGet("/", List);
        credentials.MapGet("/{id}", Get);
        credentials.MapDelete("/{id}", Delete);
        credentials.MapPost("/{id}/shares", Share);
        credentials.MapDelete("/{id}/shares/{principalId}", Unshare);
        return api;
    }

    private static async Task<Created<CredentialView>> Create(CreateCredential request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = Ids.New("cred");
        var view = await grains.GetGrain<ICredentialGrain>(id).Create(user.Actor(), request);
        return TypedResults.Created($"/api/v1/credentials/{id}", view);
    }

    private static async Task<Ok<Page<CredentialView>>> List(ClaimsPrincipal user, IGrainFactory grains, int? limit, string? cursor) =>
        TypedResults.Ok(await grains.GetGrain<IDirectoryGrain>("environment").ListCredentials(user.Actor(), ListQuery.Cursor(cursor), ListQuery.Limit(limit)));

    private static async Task<Ok<CredentialView>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICredentialGrain>(id).Get(user.Actor()));

    private static async Task<NoContent> Delete(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<ICredentialGrain>(id).Delete(user.Actor());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Share(string id, ShareRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<ICredentialGrain>(id).Share(user.Actor(), request.PrincipalId, request.Access);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Unshare(string id, string principalId, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<ICredentialGrain>(id).Unshare(user.Actor(), principalId);
        return TypedResults.NoContent();
    }
}
