using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Grains;

/// <summary>Server-chosen ids.</summary>
public static class Ids
{
    /// <summary>
    /// A new unique id with a kind prefix, e.g. <c>r-019a…</c>. Time-ordered (UUID version 7), so ids made one after
    /// another sort together: storage inserts them side by side instead of all over its key index.
    /// </summary>
    public static string New(string prefix) => $"{prefix}-{Guid.CreateVersion7():N}";

    /// <summary>The run id for a client's idempotency key: the same principal and key always give the same run.</summary>
    public static string RunFor(string principalId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{principalId}\n{idempotencyKey}"));
        return "r-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
