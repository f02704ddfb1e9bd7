using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Gateway;

/// <summary>
/// Resolves <c>Authorization: Bearer</c> keys to callers: user API keys (looked up by hash) and machine keys
/// (<c>mk.{machineId}.{secret}</c>, verified by the machine grain). Successful lookups are cached for 30 seconds by the
/// key's hash, so a known key is resolved without a grain call, an allocation or an await. A principal or machine that is
/// deleted is dropped from every gateway's cache through the revocation hub (<see cref="KeyRevocationListener"/>) before its deletion is answered.
/// </summary>
public sealed class KeyAuthenticator
{
    private const int MaxKeyLength = 256;
    private const string Bearer = "Bearer ";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, long Expires)> cache = new(StringComparer.Ordinal);
    private readonly IGrainFactory grains;
    private readonly TimeProvider time;

    /// <summary>Guards <see cref="revocationCount"/> and the cache entries added after a lookup (not the reads).</summary>
    private readonly Lock revocationGate = new();

    /// <summary>Revocations seen so far: a lookup that overlapped one may have read the key before it was revoked, and is not cached.</summary>
    private long revocationCount;

    /// <summary>Creates the authenticator; <see cref="KeyRevocationListener"/> subscribes it to revocations.</summary>
    public KeyAuthenticator(IGrainFactory grains, TimeProvider time)
    {
        this.grains = grains;
        this.time = time;
    }

    /// <summary>The caller that <paramref name="authorization"/> (the header's value) names; null for no, a malformed or an unknown key.</summary>
    public ValueTask<ClaimsPrincipal?> AuthenticateAsync(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<ClaimsPrincipal?>(null);
        }
        var presented = authorization.AsSpan(Bearer.Length).Trim();
        if (presented.Length is 0 or > MaxKeyLength)
        {
            return ValueTask.FromResult<ClaimsPrincipal?>(null);
        }
        Span<char> hash = stackalloc char[2 * SHA256.HashSizeInBytes];
        HashHex(presented, hash);
        if (cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hash, out var cached) && cached.Expires > time.GetTimestamp())
        {
            return ValueTask.FromResult<ClaimsPrincipal?>(cached.Principal);
        }
        return LookUpAsync(presented.ToString(), hash.ToString());
    }

    /// <inheritdoc />

    private async ValueTask<ClaimsPrincipal?> LookUpAsync(string key, string hash)
    {
        var revocationsBefore = Volatile.Read(ref revocationCount);
        var principal = key.StartsWith("mk.", StringComparison.Ordinal) ? await MachineAsync(key) : await UserAsync(key);
        if (principal is not null)
        {
            lock (revocationGate)
            {
                if (revocationCount == revocationsBefore)
                {
                    cache[hash] = (principal, time.GetTimestamp() + (long)(CacheFor.TotalSeconds * time.TimestampFrequency));
                }
            }
        }
        return principal;
    }

    /// <summary>Drops the holder's cached keys, and any lookup of them in flight: the next request reads the storage.</summary>
    public void Forget(KeyHolder holder)
    {
        var claim = holder.Kind == KeyHolderKind.Machine ? GridClaims.MachineId : GridClaims.PrincipalId;
        lock (revocationGate)
        {
            revocationCount++;
            foreach (var (hash, entry) in cache)
            {
                if (entry.Principal.FindFirst(claim)?.Value == holder.Id)
                {
                    cache.TryRemove(hash, out _);
                }
            }
        }
    }

    private static void HashHex(ReadOnlySpan<char> key, Span<char> hex)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(MaxKeyLength)];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], hash);
        Convert.TryToHexString(hash, hex, out _);
    }

    private async Task<ClaimsPrincipal?> UserAsync(string key)
    {
        var found = await grains.GetGrain<IKeyDirectoryGrain>("environment").Find(key);
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

    private static ClaimsPrincipal Identity(params Claim[] claims) => new(new ClaimsIdentity(claims, GridClaims.Scheme));
}
