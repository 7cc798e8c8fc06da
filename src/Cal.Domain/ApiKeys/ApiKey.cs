using Cal.Domain.Common;

namespace Cal.Domain.ApiKeys;

/// <summary>
/// An API key as stored: only the hash of the plaintext <c>cal_...</c> key is kept, so a copy of the
/// database cannot be used to call the API.
/// </summary>
public sealed class ApiKey : Entity
{
    private ApiKey(int userId, string hashedKey, DateTimeOffset createdAt, DateTimeOffset? expiresAt)
    {
        UserId = userId;
        HashedKey = hashedKey;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public int UserId { get; private set; }

    public string HashedKey { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ExpiresAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public static ApiKey Issue(int userId, string hashedKey, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hashedKey);
        if (expiresAt is { } e && e <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAt), "An API key must expire in the future.");
        }

        return new ApiKey(userId, hashedKey, now, expiresAt);
    }

    /// <summary>Not revoked (or revoked only from a later instant: a refresh's grace period) and not expired.</summary>
    public bool IsUsableAt(DateTimeOffset now) => (RevokedAt is null || RevokedAt > now) && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Revokes the key from <paramref name="at"/> on; of two revocations the earlier instant stands (an emergency one pulls a
    /// scheduled one forward).</summary>
    public void Revoke(DateTimeOffset at) => RevokedAt = RevokedAt is { } earlier && earlier <= at ? earlier : at;
}
