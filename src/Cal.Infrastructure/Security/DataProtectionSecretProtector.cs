using Cal.Application.Common.Interfaces;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;

namespace Cal.Infrastructure.Security;

/// <summary>
/// ASP.NET Core Data Protection (AES-256-CBC + HMACSHA256, rotating keys) for credential secrets. An unprotect derives
/// keys and checks a MAC on every call, which busy times made per request; what a payload decrypts to never changes,
/// so recent results are kept in this process's memory (size-limited, by the payload, for a few minutes) next to the
/// feed cache that already holds what those secrets fetched. Nothing of it is written anywhere.
/// </summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector, IDisposable
{
    private static readonly MemoryCacheEntryOptions Kept = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) };

    private readonly IDataProtector protector = provider.CreateProtector("Cal.Credentials.v1");
    private readonly MemoryCache recent = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public string Protect(string plaintext) => protector.Protect(plaintext);

    public string Unprotect(string protectedText)
    {
        if (recent.TryGetValue(protectedText, out string? plaintext) && plaintext is not null)
        {
            return plaintext;
        }

        plaintext = protector.Unprotect(protectedText); // throws for a tampered or foreign payload: nothing is kept then
        recent.Set(protectedText, plaintext, Kept);
        return plaintext;
    }

    public void Dispose() => recent.Dispose();
}
