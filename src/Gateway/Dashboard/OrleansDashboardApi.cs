using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Orleans.Dashboard;

namespace MachineGrid.Gateway;

/// <summary>
/// Orleans' own dashboard at <c>/orleans</c>, for Environment Admins only. A script can send its admin key as a bearer
/// header; a browser cannot, so <c>POST /api/v1/dashboard/session</c> (with an admin key) sets an HttpOnly cookie for
/// <c>/orleans</c> holding a time-limited token that any silo's gateway can check. Anyone else gets 403.
/// </summary>
public static class OrleansDashboardApi
{
    /// <summary>Where the dashboard is served.</summary>
    public const string Path = "/orleans";

    /// <summary>The session cookie's name.</summary>
    public const string Cookie = "mg_orleans";

    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);
    private const string Purpose = "MachineGrid.OrleansDashboard.Session";

    /// <summary>Maps the dashboard behind the admin check, and the session endpoint.</summary>
    public static WebApplication MapOrleansDashboardForAdmins(this WebApplication app, RouteGroupBuilder api)
    {
        app.MapOrleansDashboard(routePrefix: Path).AddEndpointFilter(async (context, next) =>
            IsAdmin(context.HttpContext) ? await next(context) : TypedResults.Problem("The Orleans dashboard is for Environment Admins only.", statusCode: StatusCodes.Status403Forbidden));
        api.MapPost("/dashboard/session", StartSession).RequireKey(KeyRequirement.User);
        return app;
    }

    private static Results<NoContent, ProblemHttpResult> StartSession(HttpContext http, ClaimsPrincipal user, IDataProtectionProvider protection)
    {
        var actor = user.Actor();
        if (!actor.IsAdmin)
        {
            return TypedResults.Problem("The Orleans dashboard is for Environment Admins only.", statusCode: StatusCodes.Status403Forbidden);
        }
        var token = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Protect(actor.Id, SessionLifetime);
        http.Response.Cookies.Append(Cookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = Path,
            MaxAge = SessionLifetime,
            IsEssential = true,
        });
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.NoContent();
    }

    private static bool IsAdmin(HttpContext http)
    {
        if (http.User.HasClaim(c => c.Type == GridClaims.PrincipalId))
        {
            return http.User.Actor().IsAdmin;
        }
        if (http.Request.Cookies[Cookie] is not { Length: > 0 and < 4096 } token)
        {
            return false;
        }
        try
        {
            var protector = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).ToTimeLimitedDataProtector();
            return protector.Unprotect(token, out _).Length > 0;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
