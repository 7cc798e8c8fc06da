using System.Globalization;
using System.Security.Claims;

namespace Cal.WebApi.Authentication;

public static class ClaimsPrincipalExtensions
{
    public static int GetUserId(this ClaimsPrincipal user) =>
        int.Parse(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not authenticated."),
            CultureInfo.InvariantCulture
        );

    /// <summary>The authenticated caller's user id; null for an anonymous request (public endpoints).</summary>
    public static int? FindUserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? int.Parse(id, CultureInfo.InvariantCulture) : null;

    /// <summary>The authenticated caller's e-mail; null for an anonymous request.</summary>
    public static string? FindEmail(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Email);

    /// <summary>The id of the API key the request was made with; null for a managed user's access token.</summary>
    public static int? GetApiKeyId(this ClaimsPrincipal user) =>
        user.FindFirstValue(CalBearerAuthenticationHandler.ApiKeyIdClaim) is { } id ? int.Parse(id, CultureInfo.InvariantCulture) : null;

    /// <summary>The OAuth client a platform request authenticated as (<see cref="OAuthClientAuthenticationHandler"/>).</summary>
    public static Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient.OAuthClientRef GetOAuthClient(
        this ClaimsPrincipal user
    ) =>
        new(
            int.Parse(
                user.FindFirstValue(OAuthClientAuthenticationHandler.OAuthClientIdClaim)
                    ?? throw new InvalidOperationException("Not an OAuth client."),
                CultureInfo.InvariantCulture
            ),
            user.FindFirstValue(OAuthClientAuthenticationHandler.OAuthClientPublicIdClaim)
                ?? throw new InvalidOperationException("Not an OAuth client.")
        );

    /// <summary>The user's IANA time zone, cal.com's default for <c>loggedInUsersTz</c>.</summary>
    public static string GetTimeZone(this ClaimsPrincipal user) =>
        user.FindFirstValue(CalBearerAuthenticationHandler.TimeZoneClaim) ?? throw new InvalidOperationException("Not authenticated.");
}
