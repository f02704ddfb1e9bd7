using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MachineGrid.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// API keys by SHA-256 hash in the <c>apikeys</c> index table, each row holding the principal it authenticates. Keys are
/// 256 random bits, so a fast hash is safe; the key itself is never stored.
/// </summary>
internal sealed class ApiKeys(IReadModel index)
{
    /// <summary>The index table.</summary>
    public const string Table = "apikeys";

    private const int ScanPage = 1000;

    /// <summary>A new random key.</summary>
    public static string NewKey() => ApiKeyFormat.NewKey();

    /// <summary>The hash a key is stored under.</summary>
    public static string HashOf(string apiKey) => ApiKeyFormat.HashOf(apiKey);

    /// <summary>Records the key for the principal.</summary>
    public Task AddAsync(string apiKey, PrincipalView principal) =>
        index.WriteAsync([RowChange.Put(Table, HashOf(apiKey), JsonSerializer.SerializeToUtf8Bytes(principal))]);

    /// <summary>The principal the key belongs to, or null.</summary>
    public async Task<PrincipalView?> FindAsync(string apiKey)
    {
        var rows = await index.ScanAsync(Table, HashOf(apiKey), null, 1);
        return rows.Count == 1 ? JsonSerializer.Deserialize<PrincipalView>(rows[0].Value) : null;
    }

    /// <summary>Whether a key with this hash is stored.</summary>
    public async Task<bool> ExistsAsync(string keyHash) => (await index.ScanAsync(Table, keyHash, null, 1)).Count == 1;

    /// <summary>Deletes the key with this hash; it no longer signs in.</summary>
    public Task RemoveAsync(string keyHash) => index.WriteAsync([RowChange.Delete(Table, keyHash)]);

    /// <summary>Deletes every key of the principal, found by reading the whole table (for principals stored before their key's hash was).</summary>
    public async Task RemoveAllOfAsync(string principalId)
    {
        var owned = new List<RowChange>();
        string? after = null;
        while (true)
        {
            var rows = await index.ScanAsync(Table, "", after, ScanPage);
            owned.AddRange(rows.Where(row => JsonSerializer.Deserialize<PrincipalView>(row.Value)?.Id == principalId).Select(row => RowChange.Delete(Table, row.Key)));
            if (rows.Count < ScanPage)
            {
                break;
            }
            after = rows[^1].Key;
        }
        if (owned.Count > 0)
        {
            await index.WriteAsync(owned);
        }
    }

    /// <summary>Whether any key exists (false on a new store).</summary>
    public async Task<bool> AnyAsync() => await index.CountAsync(Table, "") > 0;
}
