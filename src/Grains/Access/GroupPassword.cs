using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Grains;

/// <summary>A group password as stored: a PBKDF2-SHA512 hash with its salt and work factor. The password itself is never kept.</summary>
public sealed record GroupPassword(string Hash, string Salt, int Iterations)
{
    private const int HashBytes = 32;

    /// <summary>Hashes a new password with a fresh random salt.</summary>
    public static GroupPassword Create(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new(Convert.ToBase64String(Derive(password, salt, iterations)), Convert.ToBase64String(salt), iterations);
    }

    /// <summary>Whether <paramref name="password"/> is this password (constant-time comparison).</summary>
    public bool Matches(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, Convert.FromBase64String(Salt), Iterations), Convert.FromBase64String(Hash));

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
}
