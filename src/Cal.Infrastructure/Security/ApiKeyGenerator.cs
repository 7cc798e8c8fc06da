using System.Security.Cryptography;
using Cal.Application.Common.Interfaces;

namespace Cal.Infrastructure.Security;

/// <summary>
/// <c>cal_</c> + 32 hex characters from 16 random bytes (128 bits), as cal.com makes them; stored as its
/// <see cref="SecretHashing"/> hash.
/// </summary>
internal sealed class ApiKeyGenerator : IApiKeyGenerator
{
    public string Generate() => "cal_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Hash(string plaintextKey) => SecretHashing.Sha256Hex(plaintextKey);
}
