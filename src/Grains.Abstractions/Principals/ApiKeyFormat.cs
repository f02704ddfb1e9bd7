using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Grains;

/// <summary>API keys: 256 random bits; only the SHA-256 hash is stored (a fast hash is safe for random keys).</summary>
public static class ApiKeyFormat
{
    /// <summary>A new key, <c>mgk_</c> and 43 base64url characters.</summary>
    public static string NewKey() => "mgk_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lowercase hex SHA-256 a key is stored under.</summary>
    public static string HashOf(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
}
