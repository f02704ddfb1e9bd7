using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Grains;

/// <summary>Machine keys: 256 random bits, named after the machine; only a hash is stored, compared in constant time.</summary>
internal static class MachineKeys
{
    public static string New(string machineId) => $"mk.{machineId}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";

    public static string Hash(string key) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Matches(string? key, string storedHash) =>
        key is { Length: > 0 and < 200 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(storedHash));
}
