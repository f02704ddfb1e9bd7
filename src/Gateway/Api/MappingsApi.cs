using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Machine mappings, including export and import by name.</summary>
public static class MappingsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapMappingsApi(this RouteGroupBuilder api)
    {
        var mappings = api.MapGroup("/mappings");
        mappings.MapPost("/", Create);
        mappings.MapGet("/", List);
        mappings.MapPost("/import", Import);
        mappings.MapGet("/{id}", Get);
        mappings.MapPut("/{id}/machines/{machineId}", SetMachine);
        mappings.MapDelete("/{id}/machines/{machineId}", RemoveMachine);
        mappings.MapDelete("/{id}", Delete);
        mappings.MapPost("/{id}/shares", Share);
        mappings.MapDelete("/{id}/shares/{principalId}", Unshare);
        mappings.MapGet("/{id}/export", Export);
        return api;
    }

    private static async Task<Created<MappingView>> Create(CreateMapping request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = Ids.New("map");
        var view = await grains.GetGrain<IMachineMappingGrain>(id).Create(user.Actor(), request);
        return TypedResults.Created($"/api/v1/mappings/{id}", view);
    }

    private static async Task<Ok<Page<MappingView>>> List(ClaimsPrincipal user, IGrainFactory grains, int? limit, string? cursor) =>
        TypedResults.Ok(await grains.GetGrain<IDirectoryGrain>("environment").ListMappings(user.Actor(), ListQuery.Cursor(cursor), ListQuery.Limit(limit)));

    private static async Task<Ok<MappingView>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMachineMappingGrain>(id).Get(user.Actor()));

    private static async Task<Ok<MappingView>> SetMachine(string id, string machineId, MachineCredentialsRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMachineMappingGrain>(id).SetMachine(user.Actor(), machineId, request.CredentialIds));

    private static async Task<Ok<MappingView>> RemoveMachine(string id, string machineId, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMachineMappingGrain>(id).RemoveMachine(user.Actor(), machineId));

    private static async Task<NoContent> Delete(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineMappingGrain>(id).Delete(user.Actor());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Share(string id, ShareRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineMappingGrain>(id).Share(user.Actor(), request.PrincipalId, request.Access);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Unshare(string id, string principalId, ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineMappingGrain>(id).Unshare(user.Actor(), principalId);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MappingExport>> Export(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMachineMappingGrain>(id).Export(user.Actor()));

    /// <summary>Creates a mapping from an export, resolving names among the machines and credentials the caller can see.</summary>
    private static async Task<Created<MappingView>> Import(ImportMappingRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        DomainException.Require(request.Document is not null, "document is required.");
        var actor = user.Actor();
        var directory = grains.GetGrain<IDirectoryGrain>("environment");
        var machines = await AllAsync((cursor) => directory.ListMachines(actor, cursor, 200));
        var credentials = await AllAsync((cursor) => directory.ListCredentials(actor, cursor, 200));
        var id = Ids.New("map");
        var view = await grains.GetGrain<IMachineMappingGrain>(id).Import(actor, request.Document!,
            machines.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Id),
            credentials.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().Id));
        return TypedResults.Created($"/api/v1/mappings/{id}", view);
    }

    private static async Task<List<T>> AllAsync<T>(Func<string?, Task<Page<T>>> page)
    {
        var all = new List<T>();
        string? cursor = null;
        do
        {
            var next = await page(cursor);
            all.AddRange(next.Items);
            cursor = next.Next;
        }
        while (cursor is not null && all.Count < 10_000);
        return all;
    }
}
