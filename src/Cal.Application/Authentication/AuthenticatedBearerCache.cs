using Cal.Application.Authentication.Queries.AuthenticateBearer;
using Cal.Application.Common;
using Cal.Application.Common.Interfaces;

namespace Cal.Application.Authentication;

/// <summary>
/// The warm half of <see cref="AuthenticateBearerQuery"/>: what a token's shape and a recent validation
/// (<see cref="IAuthenticationCache"/>) already say, with no repository, database or use-case pipeline. Authentication
/// runs on every request, so the host asks this first and sends the query only when it answers nothing (a cold or
/// expired cache entry). The query handler asks it too: one place decides what a cached entry means. It also holds the
/// cold lookups in flight (<see cref="LookupsInFlight"/>), so concurrent requests with one token whose entry expired cost
/// one database lookup, not one each.
/// </summary>
public sealed class AuthenticatedBearerCache(
    IApiKeyGenerator apiKeyHasher,
    IPlatformSecrets platformSecrets,
    IAuthenticationCache cache,
    TimeProvider time
)
{
    public const string ApiKeyPrefix = "cal_";

    /// <summary>Database lookups in flight, by token hash and the cache's generation when they started (never joined across a
    /// revocation).</summary>
    public CoalescedBuilds<(string Hash, long Generation), (BearerAuthentication Result, CachedBearer? Entry)> LookupsInFlight { get; } =
        new();

    /// <summary>The token's kind and lookup hash; null when it cannot be a Cal token (length, prefix): invalid without a lookup.</summary>
    public (bool IsApiKey, string Hash)? Identify(string token)
    {
        if (token.Length is < 20 or > 200)
        {
            return null;
        }

        var isApiKey = token.StartsWith(ApiKeyPrefix, StringComparison.Ordinal);
        if (!isApiKey && !token.StartsWith(IPlatformSecrets.AccessTokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        return (isApiKey, isApiKey ? apiKeyHasher.Hash(token) : platformSecrets.Hash(token));
    }

    /// <summary>
    /// The answer a still-valid cache entry gives for <paramref name="hash"/> at <paramref name="now"/> (a token recently
    /// found to match nothing is invalid); null without one.
    /// </summary>
    public BearerAuthentication? FromCache(string hash, DateTimeOffset now) =>
        cache.Get(hash) is { } cached && cached.ValidUntil > now
            ? cached.AccessTokenExpiresAt <= now
                ? BearerAuthentication.Expired
                : new BearerAuthentication(BearerStatus.Authenticated, cached.Caller)
            : cache.IsKnownInvalid(hash)
                ? BearerAuthentication.Invalid
                : null;

    /// <summary>Invalid for a malformed token, the cached answer for a warm one, null when only the query can tell.</summary>
    public BearerAuthentication? Find(string token) =>
        Identify(token) is { } identified ? FromCache(identified.Hash, time.GetUtcNow()) : BearerAuthentication.Invalid;
}
