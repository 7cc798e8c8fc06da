using System.Security.Cryptography;
using System.Text;
using Cal.Application.Common.Interfaces;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cal.Application.Authentication.Queries.AuthenticateBearer;

/// <summary>
/// Who, if anyone, a bearer token belongs to: an API key (<c>cal_...</c>) or a managed user's access token
/// (<c>calat_...</c>). Both are looked up by their SHA-256 hash, never stored or compared in plain text.
/// A validated token is cached (by hash) for <see cref="AuthOptions.CacheDuration"/>, never past its own
/// expiry or scheduled revocation, so a warm token costs no database round trip.
/// </summary>
public sealed record AuthenticateBearerQuery(string Token) : IQuery<BearerAuthentication>;

public sealed class AuthenticateBearerQueryHandler(
    IApiKeyRepository apiKeys,
    IManagedUserTokenRepository tokens,
    IUserRepository users,
    AuthenticatedBearerCache bearers,
    IAuthenticationCache cache,
    TimeProvider time,
    IOptions<AuthOptions> options
) : IQueryHandler<AuthenticateBearerQuery, BearerAuthentication>
{
    public async ValueTask<BearerAuthentication> Handle(AuthenticateBearerQuery query, CancellationToken cancellationToken)
    {
        if (bearers.Identify(query.Token) is not var (isApiKey, hash))
        {
            return BearerAuthentication.Invalid;
        }

        var now = time.GetUtcNow();
        if (bearers.FromCache(hash, now) is { } cached)
        {
            return cached;
        }

        // Concurrent requests with this token share one lookup (an expired entry under load is one database read).
        var generation = cache.Generation;
        var issued = cache.IssuedGeneration;
        var (result, entry) = await bearers.LookupsInFlight.RunAsync(
            (hash, generation),
            () =>
                isApiKey
                    ? AuthenticateApiKeyAsync(hash, now, cancellationToken)
                    : AuthenticateAccessTokenAsync(hash, now, cancellationToken),
            cancellationToken
        );
        if (entry is not null && options.Value.CacheDuration > TimeSpan.Zero)
        {
            cache.Set(hash, entry, generation);
        }
        else if (result.Status == BearerStatus.Invalid)
        {
            // Remembered for a short while, so repeating a bad token costs no lookup (unless that token is issued meanwhile).
            cache.SetInvalid(hash, issued);
        }

        return result;
    }

    private async Task<(BearerAuthentication, CachedBearer?)> AuthenticateApiKeyAsync(
        string hash,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        // Found through the index on the hash (whose timing says nothing about the key itself), then
        // confirmed with a constant-time comparison, whatever the database's collation.
        var key = await apiKeys.FindByHashAsync(hash, cancellationToken);
        if (
            key is null
            || !SameHash(key.HashedKey, hash)
            || !key.IsUsableAt(now)
            || await users.FindByIdAsync(key.UserId, cancellationToken) is not { } user
        )
        {
            return (BearerAuthentication.Invalid, null);
        }

        var caller = new AuthenticatedCaller(user.Id, user.Email, user.TimeZone, key.Id, null);
        var validUntil = Earliest(now + options.Value.CacheDuration, key.ExpiresAt, key.RevokedAt);
        return (new BearerAuthentication(BearerStatus.Authenticated, caller), new CachedBearer(caller, validUntil, null));
    }

    private async Task<(BearerAuthentication, CachedBearer?)> AuthenticateAccessTokenAsync(
        string hash,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var pair = await tokens.FindByAccessTokenHashAsync(hash, cancellationToken);
        if (pair is null || !SameHash(pair.AccessTokenHash, hash) || pair.IsRevoked)
        {
            return (BearerAuthentication.Invalid, null);
        }

        if (pair.IsAccessTokenExpiredAt(now))
        {
            return (BearerAuthentication.Expired, null);
        }

        if (await users.FindByIdAsync(pair.UserId, cancellationToken) is not { } user)
        {
            return (BearerAuthentication.Invalid, null);
        }

        var caller = new AuthenticatedCaller(user.Id, user.Email, user.TimeZone, null, pair.FamilyId);
        return (
            new BearerAuthentication(BearerStatus.Authenticated, caller),
            new CachedBearer(caller, now + options.Value.CacheDuration, pair.AccessTokenExpiresAt)
        );
    }

    private static bool SameHash(string stored, string computed) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(computed));

    private static DateTimeOffset Earliest(DateTimeOffset first, params DateTimeOffset?[] others) =>
        others.Aggregate(first, (min, next) => next is { } n && n < min ? n : min);
}
