using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Health, readiness and the audit log.</summary>
public static class OperationsApi
{
    /// <summary>Maps <c>/healthz</c> and <c>/readyz</c> (anonymous).</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        app.MapGet("/readyz", Ready);
        return app;
    }

    /// <summary>Maps <c>GET /audit</c> (Environment Admin).</summary>
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", Audit);
        return api;
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> Ready(IGrainFactory grains)
    {
        try
        {
            await grains.GetGrain<IKeyDirectoryGrain>("environment").Any();
            return TypedResults.Ok<object>(new { status = "ready" });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TypedResults.Problem($"Storage is not reachable: {ex.GetType().Name}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<Ok<Page<AuditEntry>>> Audit(ClaimsPrincipal user, IGrainFactory grains, int? limit, string? cursor) =>
        TypedResults.Ok(await grains.GetGrain<IAuditLogGrain>("environment").Read(user.Actor(), ListQuery.Cursor(cursor), ListQuery.Limit(limit)));
}
