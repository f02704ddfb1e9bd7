using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using MachineGrid.Grains;
using MachineGrid.Runtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MachineGrid.Gateway;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> keys: user API keys (looked up by hash) and machine keys
/// (<c>mk.{machineId}.{secret}</c>, verified by the machine grain). Successful lookups are cached briefly by key hash.
/// </summary>
public sealed class GridAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeys apiKeys,
    IGrainFactory grains,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, long Expires)> Cache = new();

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 256)
        {
            return AuthenticateResult.Fail("Malformed key.");
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var now = time.GetTimestamp();
        if (Cache.TryGetValue(hash, out var cached) && cached.Expires > now)
        {
            return Success(cached.Principal);
        }
        var principal = key.StartsWith("mk.", StringComparison.Ordinal) ? await MachineAsync(key) : await UserAsync(key);
        if (principal is null)
        {
            return AuthenticateResult.Fail("Unknown key.");
        }
        Cache[hash] = (principal, now + (long)(30 * time.TimestampFrequency));
        return Success(principal);
    }

    private AuthenticateResult Success(ClaimsPrincipal principal) => AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));

    private async Task<ClaimsPrincipal?> UserAsync(string key)
    {
        var found = await apiKeys.FindAsync(key);
        return found is null ? null : Identity(
            new Claim(ClaimTypes.Name, found.Name),
            new Claim(GridClaims.PrincipalId, found.Id),
            new Claim(GridClaims.Roles, found.Roles.ToString()));
    }

    private async Task<ClaimsPrincipal?> MachineAsync(string key)
    {
        var parts = key.Split('.');
        if (parts.Length != 3 || parts[1].Length is 0 or > 128)
        {
            return null;
        }
        var machineId = parts[1];
        return await grains.GetGrain<IMachineGrain>(machineId).VerifyKey(key)
            ? Identity(new Claim(ClaimTypes.Name, machineId), new Claim(GridClaims.MachineId, machineId))
            : null;
    }

    private ClaimsPrincipal Identity(params Claim[] claims) => new(new ClaimsIdentity(claims, Scheme.Name));
}
