using System.Security.Cryptography;
using System.Text;

namespace Cal.Infrastructure.Security;

/// <summary>
/// The one hash stored in place of every high-entropy secret (API keys, client secrets, tokens): SHA-256,
/// lower-case hex. They are random, so a slow password hash would add latency and no safety.
/// </summary>
internal static class SecretHashing
{
    public static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a secret's hash with a stored hash.</summary>
    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sha256Hex(secret)), Encoding.ASCII.GetBytes(storedHash));
}
