using System.Buffers.Text;
using System.Security.Cryptography;
using Cal.Application.Common.Interfaces;

namespace Cal.Infrastructure.Security;

/// <summary>
/// Client ids, client secrets and tokens from the system's cryptographic random generator (256 bits for
/// secrets and tokens), stored as <see cref="SecretHashing"/> hashes; comparisons are constant-time.
/// </summary>
internal sealed class PlatformSecrets : IPlatformSecrets
{
    public string NewClientId() => "cl" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(11));

    public string NewClientSecret() => "calcs_" + Random(32);

    public string NewAccessToken() => IPlatformSecrets.AccessTokenPrefix + Random(32);

    public string NewRefreshToken() => IPlatformSecrets.RefreshTokenPrefix + Random(32);

    public string NewFamilyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Hash(string secret) => SecretHashing.Sha256Hex(secret);

    public bool Matches(string secret, string storedHash) => SecretHashing.Matches(secret, storedHash);

    private static string Random(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
