using Cal.Application.Authentication;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Recently validated bearer tokens, by hash, so a warm token costs no database round trip. Entries carry
/// their own validity (<see cref="CachedBearer.ValidUntil"/>), which bounds how long a revocation made
/// elsewhere (another process, another instance) can go unnoticed: <see cref="AuthOptions.CacheDuration"/>.
/// </summary>
public interface IAuthenticationCache
{
    /// <summary>Moves on with every <see cref="Invalidate"/>: read it before looking a token up, pass it to <see cref="Set"/>.</summary>
    long Generation { get; }

    CachedBearer? Get(string tokenHash);

    /// <summary>
    /// Caches <paramref name="entry"/>, unless an invalidation happened since <paramref name="generationBeforeLookup"/> was read:
    /// a lookup that raced a revocation may have read the credential before it was revoked, and must not re-cache it.
    /// </summary>
    void Set(string tokenHash, CachedBearer entry, long generationBeforeLookup);

    /// <summary>
    /// Drops, in this process, every entry of one API key or token family (<see cref="AuthenticatedCaller.CachePartition"/>),
    /// so a revocation made here takes effect here at once.
    /// </summary>
    void Invalidate(string callerPartition);
}
