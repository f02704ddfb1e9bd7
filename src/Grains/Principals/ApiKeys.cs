using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MachineGrid.Runtime.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// API keys by SHA-256 hash in the <c>apikeys</c> index table, each row holding the principal it authenticates. Keys are
/// 256 random bits, so a fast hash is safe; the key itself is never stored.
/// </summary>
public sealed class ApiKeys(IIndexStore index)
{
    /// <summary>The index table.</summary>
    public const string Table = "apikeys";

    /// <summary>A new random key.</summary>
    public static string NewKey() => "mgk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Records the key for the principal.</summary>
    public Task AddAsync(string apiKey, PrincipalView principal) =>
        index.ApplyAsync([IndexChange.Put(Table, Hash(apiKey), JsonSerializer.SerializeToUtf8Bytes(principal))]);

    /// <summary>The principal the key belongs to, or null.</summary>
    public async Task<PrincipalView?> FindAsync(string apiKey)
    {
        var rows = await index.ScanAsync(Table, Hash(apiKey), null, 1);
        return rows.Count == 1 ? JsonSerializer.Deserialize<PrincipalView>(rows[0].Value) : null;
    }

    /// <summary>Whether any key exists (false on a new store).</summary>
    public async Task<bool> AnyAsync() => await index.CountAsync(Table, "") > 0;

    private static string Hash(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
}
