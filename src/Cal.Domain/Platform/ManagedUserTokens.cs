using Cal.Domain.Common;

namespace Cal.Domain.Platform;

/// <summary>
/// One access/refresh token pair of a managed user, as hashes. Every pair descends from the one issued
/// when the user was created, through refreshes; they share a <see cref="FamilyId"/>. A refresh token
/// works once: refreshing marks the pair <see cref="RotatedAt"/> and issues the next pair in the family.
/// Presenting a rotated refresh token again means it was copied, so the whole family is revoked.
/// </summary>
public sealed class ManagedUserTokens : Entity
{
    private ManagedUserTokens(
        string familyId,
        int userId,
        int oAuthClientId,
        string accessTokenHash,
        DateTimeOffset accessTokenExpiresAt,
        string refreshTokenHash,
        DateTimeOffset refreshTokenExpiresAt,
        DateTimeOffset createdAt
    )
    {
        FamilyId = familyId;
        UserId = userId;
        OAuthClientId = oAuthClientId;
        AccessTokenHash = accessTokenHash;
        AccessTokenExpiresAt = accessTokenExpiresAt;
        RefreshTokenHash = refreshTokenHash;
        RefreshTokenExpiresAt = refreshTokenExpiresAt;
        CreatedAt = createdAt;
    }

    public string FamilyId { get; private set; }

    public int UserId { get; private set; }

    public int OAuthClientId { get; private set; }

    public string AccessTokenHash { get; private set; }

    public DateTimeOffset AccessTokenExpiresAt { get; private set; }

    public string RefreshTokenHash { get; private set; }

    public DateTimeOffset RefreshTokenExpiresAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the refresh token was exchanged for the next pair; it never works again.</summary>
    public DateTimeOffset? RotatedAt { get; private set; }

    /// <summary>When the family was revoked (refresh-token reuse); neither token works again.</summary>
    public DateTimeOffset? RevokedAt { get; private set; }

    public static ManagedUserTokens Issue(
        string familyId,
        int userId,
        int oAuthClientId,
        string accessTokenHash,
        string refreshTokenHash,
        DateTimeOffset now,
        TimeSpan accessTokenLifetime,
        TimeSpan refreshTokenLifetime
    )
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(familyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessTokenHash);
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshTokenHash);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(accessTokenLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refreshTokenLifetime, TimeSpan.Zero);
        return new ManagedUserTokens(
            familyId,
            userId,
            oAuthClientId,
            accessTokenHash,
            now + accessTokenLifetime,
            refreshTokenHash,
            now + refreshTokenLifetime,
            now
        );
    }

    public bool IsRevoked => RevokedAt is not null;

    public bool IsAccessTokenExpiredAt(DateTimeOffset now) => AccessTokenExpiresAt <= now;

    /// <summary>The refresh token can be exchanged now: not revoked, not used, not expired.</summary>
    public bool CanRefreshAt(DateTimeOffset now) => RevokedAt is null && RotatedAt is null && RefreshTokenExpiresAt > now;

    /// <summary>
    /// Exchanges the refresh token: it never works again, and the next pair (<see cref="Issue"/>d in the same family)
    /// takes over. The repository stores the mark with a conditional update, so of two requests racing with one refresh
    /// token only one rotates; the other has presented a used token.
    /// </summary>
    public void Rotate(DateTimeOffset now)
    {
        if (!CanRefreshAt(now))
        {
            throw new InvalidOperationException("A revoked, used or expired refresh token cannot be exchanged.");
        }

        RotatedAt = now;
    }

    /// <summary>Revokes this pair (with its family: a family is revoked once any of its pairs is).</summary>
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}
