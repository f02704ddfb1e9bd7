using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Principals and their API keys (Environment Admin only, except <c>GET /me</c>).</summary>
public static class PrincipalsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapPrincipalsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/principals", Create);
        api.MapGet("/me", Me);
        return api;
    }

    private static async Task<Created<PrincipalResponse>> Create(CreatePrincipalRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        DomainException.Require(request.Roles is not null, "roles is required.");
        var roles = request.Roles!.Aggregate(EnvironmentRoles.None, (all, role) => all | Validate(role));
        var id = Ids.New("p");
        var created = await grains.GetGrain<IPrincipalGrain>(id).Create(user.Actor(), request.Name, roles);
        return TypedResults.Created($"/api/v1/principals/{id}", PrincipalResponse.From(created.Principal, created.ApiKey));
    }

    private static async Task<Ok<PrincipalResponse>> Me(ClaimsPrincipal user, IGrainFactory grains)
    {
        var actor = user.Actor();
        return TypedResults.Ok(PrincipalResponse.From(await grains.GetGrain<IPrincipalGrain>(actor.Id).Get(actor)));
    }

    private static EnvironmentRoles Validate(EnvironmentRoles role)
    {
        DomainException.Require(role != EnvironmentRoles.None && Enum.IsDefined(role), $"Unknown role {role}.");
        return role;
    }
}
