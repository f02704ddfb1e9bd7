using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>
/// Signs the caller in from its bearer key (<see cref="KeyAuthenticator"/>) and enforces the endpoint's
/// <see cref="KeyRequirement"/>: no or an unknown key gets 401, a key of the other kind 403, both before the request's
/// body is read. A known key costs no await: a request goes on to the endpoint on the thread it came in on.
/// </summary>
public sealed class KeyAuthenticationMiddleware(RequestDelegate next, KeyAuthenticator keys)
{
    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            return Admit(context, null);
        }
        var caller = keys.AuthenticateAsync(authorization.ToString());
        return caller.IsCompletedSuccessfully ? Admit(context, caller.Result) : AdmitAsync(context, caller);
    }

    private async Task AdmitAsync(HttpContext context, ValueTask<ClaimsPrincipal?> caller) =>
        await Admit(context, await caller);

    private Task Admit(HttpContext context, ClaimsPrincipal? caller)
    {
        if (caller is not null)
        {
            context.User = caller;
        }
        if (context.GetEndpoint()?.Metadata.GetMetadata<KeyRequirement>() is { } requirement && (caller is null || !requirement.IsMetBy(caller)))
        {
            context.Response.StatusCode = caller is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return next(context);
    }
}
