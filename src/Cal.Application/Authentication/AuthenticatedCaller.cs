namespace Cal.Application.Authentication;

/// <summary>Who a request comes from: the user, and the API key or managed-user token family used.</summary>
public sealed record AuthenticatedCaller(int UserId, string Email, string TimeZone, int? ApiKeyId, string? TokenFamilyId)
{
    /// <summary>
    /// The rate-limit partition: for API keys the user (all their keys share one budget, so a refresh or a second key
    /// does not reset it), for managed users the token family (refreshing keeps it).
    /// </summary>
    public string RateLimitPartition => ApiKeyId is not null ? ApiKeyUserPartition(UserId) : TokenFamilyPartition(TokenFamilyId ?? "");

    /// <summary>What the authentication cache drops together on a revocation: one API key, or one token family.</summary>
    public string CachePartition => ApiKeyId is { } id ? ApiKeyPartition(id) : TokenFamilyPartition(TokenFamilyId ?? "");

    /// <summary>The authentication cache's partition for one API key.</summary>
    public static string ApiKeyPartition(int apiKeyId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"api-key:{apiKeyId}");

    public static string ApiKeyUserPartition(int userId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"api-key-user:{userId}");

    public static string TokenFamilyPartition(string familyId) => $"token-family:{familyId}";
}

/// <summary>A validated bearer token as cached: trusted until <see cref="ValidUntil"/>; an access token answers "expired" from
/// <see cref="AccessTokenExpiresAt"/> on.</summary>
public sealed record CachedBearer(AuthenticatedCaller Caller, DateTimeOffset ValidUntil, DateTimeOffset? AccessTokenExpiresAt);

public enum BearerStatus
{
    Authenticated,

    /// <summary>A managed-user access token past its expiry: cal.com answers 498 so clients refresh and retry.</summary>
    Expired,

    /// <summary>Anything else: malformed, unknown, expired API key, revoked. One answer, so callers cannot tell them apart.</summary>
    Invalid,
}

public sealed record BearerAuthentication(BearerStatus Status, AuthenticatedCaller? Caller)
{
    public static readonly BearerAuthentication Invalid = new(BearerStatus.Invalid, null);

    public static readonly BearerAuthentication Expired = new(BearerStatus.Expired, null);
}
