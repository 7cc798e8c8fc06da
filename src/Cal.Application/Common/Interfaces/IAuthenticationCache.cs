using Cal.Application.Authentication;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Recently validated bearer tokens, by hash, so a warm token costs no database round trip. Entries carry
/// their own validity (<see cref="CachedBearer.ValidUntil"/>), which bounds how long a revocation made
/// elsewhere (another process, another instance) can go unnoticed: <see cref="AuthOptions.CacheDuration"/>.
/// </summary>
public interface IAuthenticationCache
{
    CachedBearer? Get(string tokenHash);

    void Set(string tokenHash, CachedBearer entry);

    /// <summary>
    /// Drops, in this process, every entry of one API key or token family (<see cref="AuthenticatedCaller.CachePartition"/>),
    /// so a revocation made here takes effect here at once.
    /// </summary>
    void Invalidate(string callerPartition);
}
