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
    private const int MaxKeyLength = 256;
    private static readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, long Expires)> Cache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, long Expires)>.AlternateLookup<ReadOnlySpan<char>> CacheBySpan =
        Cache.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var presented = header.AsSpan("Bearer ".Length).Trim();
        if (presented.Length is 0 or > MaxKeyLength)
        {
            return AuthenticateResult.Fail("Malformed key.");
        }
        // Every request comes here: the cache is looked up by the key's hash without allocating.
        Span<char> hash = stackalloc char[2 * SHA256.HashSizeInBytes];
        HashHex(presented, hash);
        var now = time.GetTimestamp();
        if (CacheBySpan.TryGetValue(hash, out var cached) && cached.Expires > now)
        {
            return Success(cached.Principal);
        }
        var key = presented.ToString();
        var principal = key.StartsWith("mk.", StringComparison.Ordinal) ? await MachineAsync(key) : await UserAsync(key);
        if (principal is null)
        {
            return AuthenticateResult.Fail("Unknown key.");
        }
        Cache[HashHex(key)] = (principal, now + (long)(30 * time.TimestampFrequency));
        return Success(principal);
    }

    private static string HashHex(string key)
    {
        Span<char> hash = stackalloc char[2 * SHA256.HashSizeInBytes];
        HashHex(key, hash);
        return hash.ToString();
    }

    private static void HashHex(ReadOnlySpan<char> key, Span<char> hex)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(MaxKeyLength)];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], hash);
        Convert.TryToHexString(hash, hex, out _);
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
