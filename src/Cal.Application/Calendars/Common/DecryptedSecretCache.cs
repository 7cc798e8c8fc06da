using System.Runtime.CompilerServices;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// A provider's credential secrets, decrypted and parsed once per credential object rather than on every read. The
/// credentials busy times and lists read are the read model's (<see cref="UserCalendarsReader"/>): the same objects
/// until a write replaces them, so a warm read costs a table lookup. Kept only as long as the credential object is
/// (a weak table, so nothing outlives the read model), and read again if the object's protected key is not the one
/// parsed.
/// </summary>
public sealed class DecryptedSecretCache<T>(ISecretProtector protector, Func<string, T> parse)
    where T : class
{
    private readonly ConditionalWeakTable<Credential, Parsed> parsed = new();

    public T Of(Credential credential)
    {
        var protectedKey = credential.ProtectedKey;
        if (parsed.TryGetValue(credential, out var known) && ReferenceEquals(known.ProtectedKey, protectedKey))
        {
            return known.Value;
        }

        var value = parse(protector.Unprotect(protectedKey));
        parsed.AddOrUpdate(credential, new Parsed(protectedKey, value));
        return value;
    }

    private sealed record Parsed(string ProtectedKey, T Value);
}
