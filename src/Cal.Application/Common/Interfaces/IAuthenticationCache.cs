using Cal.Application.Authentication;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Recently validated bearer tokens, by hash, so a warm token costs no database round trip. Entries carry
/// their own validity (<see cref="CachedBearer.ValidUntil"/>), which bounds how long a revocation made
/// elsewhere (another process, another instance) can go unnoticed: <see cref="AuthOptions.CacheDuration"/>.
/// </summary>
public interface IAuthenticationCache
{
    /// <summary>Moves on with every <see cref="InvalidateAsync"/>: read it before looking a token up, pass it to
    /// <see cref="Set"/>.</summary>
    long Generation { get; }

    CachedBearer? Get(string tokenHash);

    /// <summary>Moves on with every token issued: read it before looking a token up, pass it to <see cref="SetInvalid"/>.</summary>
    long IssuedGeneration { get; }

    /// <summary>
    /// Caches <paramref name="entry"/>, unless an invalidation happened since <paramref name="generationBeforeLookup"/> was read:
    /// a lookup that raced a revocation may have read the credential before it was revoked, and must not re-cache it.
    /// </summary>
    void Set(string tokenHash, CachedBearer entry, long generationBeforeLookup);

    /// <summary>
    /// Drops every entry of one API key or token family (<see cref="AuthenticatedCaller.CachePartition"/>), here at once
    /// (a revocation made here takes effect here at once) and on the other instances of a fleet.
    /// </summary>
    ValueTask InvalidateAsync(string callerPartition);

    /// <summary>Whether <paramref name="tokenHash"/> was looked up recently and matched nothing: answered without a lookup.</summary>
    bool IsKnownInvalid(string tokenHash);

    /// <summary>Remembers, for a short while, that <paramref name="tokenHash"/> matched nothing (unless an invalidation happened since
    /// <paramref name="generationBeforeLookup"/>).</summary>
    void SetInvalid(string tokenHash, long generationBeforeLookup);

    /// <summary>Forgets that <paramref name="tokenHash"/> matched nothing: it has just been issued (an API key created or refreshed, a
    /// token pair issued).</summary>
    ValueTask ForgetInvalidAsync(string tokenHash);
}
