using System.Security.Cryptography;
using System.Text;
using Cal.Application.Common.Interfaces;

namespace Cal.Infrastructure.Security;

/// <summary>
/// <c>cal_</c> + 32 hex characters from 16 random bytes (128 bits), as cal.com makes them. Stored as
/// SHA-256: the key is already high-entropy, so a slow password hash would add latency and no safety.
/// </summary>
internal sealed class ApiKeyGenerator : IApiKeyGenerator
{
    public string Generate() => "cal_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Hash(string plaintextKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintextKey)));
}
