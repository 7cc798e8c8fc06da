using System.ComponentModel.DataAnnotations;

namespace Cal.WebApi.RateLimiting;

/// <summary>
/// Section <c>RateLimiting</c>: requests per window, per kind of caller as cal.com allows them: 120 a minute for an API
/// key's user (and for an unauthenticated client IP), 500 for a managed user's token family and for an OAuth client.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Per API key's user, and per unauthenticated client (IPv4 address or IPv6 /64).</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 120;

    /// <summary>Per managed user's token family (access tokens).</summary>
    [Range(1, int.MaxValue)]
    public int AccessTokenPermitLimit { get; set; } = 500;

    /// <summary>Per OAuth client (the platform endpoints, after the client's secret is checked).</summary>
    [Range(1, int.MaxValue)]
    public int OAuthClientPermitLimit { get; set; } = 500;

    public int LimitFor(string callerKind) =>
        callerKind switch
        {
            "token" => AccessTokenPermitLimit,
            "oauth_client" => OAuthClientPermitLimit,
            _ => PermitLimit,
        };

    /// <summary>
    /// Tokens per window and client address (IPv4, IPv6 /64) that need a database lookup to be authenticated (not
    /// recently seen, valid or not). Counted before the lookup, so a flood of made-up keys from one address costs at most
    /// this many lookups; past it such requests answer 429 without one (recently validated tokens still answer).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int UnknownTokenPermitLimit { get; set; } = 120;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
