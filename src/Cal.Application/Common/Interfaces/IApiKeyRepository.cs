using Cal.Domain.ApiKeys;

namespace Cal.Application.Common.Interfaces;

public interface IApiKeyRepository
{
    Task<ApiKey?> FindByHashAsync(string hashedKey, CancellationToken cancellationToken);

    Task AddAsync(ApiKey apiKey, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes, now, every key of the user still usable, including one whose revocation was scheduled for later (a
    /// refresh's grace period): an emergency revocation does not wait. Returns their ids.
    /// </summary>
    Task<IReadOnlyList<int>> RevokeAllForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A refresh, in one transaction: the key used is revoked from <paramref name="revokeAt"/> only if, in the database,
    /// it is the user's, not revoked (not even from later) and not expired at <paramref name="now"/>; only then is
    /// <paramref name="replacement"/> stored. False (nothing stored) otherwise, so a revoked key cannot mint another.
    /// </summary>
    Task<bool> ReplaceAsync(
        int userId,
        int currentApiKeyId,
        ApiKey replacement,
        DateTimeOffset now,
        DateTimeOffset revokeAt,
        CancellationToken cancellationToken
    );
}
