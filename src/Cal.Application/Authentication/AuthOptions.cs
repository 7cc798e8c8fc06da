using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Authentication;

/// <summary>Section <c>Auth</c>: managed-user token lifetimes and the validated-token cache.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>How long a managed user's access token works (cal.com: 60 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a refresh token can be exchanged (cal.com: one year).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// How long a validated key or token is trusted without asking the database again: the longest a
    /// revocation made by another process or instance can take to be noticed. Zero turns the cache off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a well-formed token that matched nothing is remembered as invalid (by its hash), so repeating it costs
    /// no lookup; issuing a token with that hash forgets it at once. Zero turns this off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InvalidTokenCacheDuration { get; set; } = TimeSpan.FromSeconds(60);
}
