using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Cal.Application.Authentication;
using Cal.Application.Authentication.Queries.AuthenticateBearer;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Cal.WebApi.Authentication;

/// <summary>
/// The one authentication scheme of <c>/v2</c>: <c>Authorization: Bearer</c> with an API key (<c>cal_...</c>)
/// or a managed user's access token. Unknown, malformed, expired API keys and revoked anything all get the
/// same 401, so a caller learns nothing about which keys exist; an expired access token gets cal.com's 498
/// (<c>TokenExpiredException</c>), on which cal.com's SDK refreshes and retries.
/// </summary>
public sealed class CalBearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMediator mediator,
    AuthenticatedBearerCache warm,
    Application.Common.Interfaces.IRateLimitStore counts,
    IOptionsMonitor<RateLimiting.RateLimitingOptions> limits,
    TimeProvider time,
    ErrorEnvelopeWriter errors
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CalBearer";
    public const string TimeZoneClaim = "cal:time_zone";
    public const string ApiKeyIdClaim = "cal:api_key_id";
    public const string TokenFamilyClaim = "cal:token_family";
    public const string RateLimitPartitionClaim = "cal:rate_limit_partition";

    public const int TokenExpiredStatus = 498;

    /// <summary>cal.com's message for an expired access token (refresh with <c>POST /v2/oauth/{clientId}/refresh</c>).</summary>
    public const string ExpiredMessage = "ACCESS_TOKEN_IS_EXPIRED";

    private const string FailureKey = "cal:auth-failure";
    private const string ExpiredKey = "cal:auth-expired";
    private const string ThrottledKey = "cal:auth-throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Fail("No Authorization header: send Authorization: Bearer <API key or access token>.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Fail("The Authorization header must be 'Bearer <API key or access token>'.");
        }

        // A recently validated token answers from memory (every request authenticates); only a cold one is a use case, and
        // only while the caller's address has lookups left: made-up tokens cannot turn into unbounded database work.
        var token = header[7..].Trim();
        var result = warm.Find(token);
        if (result is null)
        {
            if (await UnknownTokensSpentAsync() is { } retryAfter)
            {
                Context.Items[ThrottledKey] = retryAfter;
                return Fail("Too many unknown tokens from this address; retry later.");
            }

            result = await mediator.Send(new AuthenticateBearerQuery(token), Context.RequestAborted);
        }
        switch (result.Status)
        {
            case BearerStatus.Expired:
                Context.Items[ExpiredKey] = true;
                return Fail(ExpiredMessage); // cal.com's TokenExpiredException message; clients match on it
            case BearerStatus.Invalid or not BearerStatus.Authenticated:
                return Fail("Invalid API key or access token.");
        }

        var caller = result.Caller!;
        var identity = new ClaimsIdentity(SchemeName);
        Add(identity, ClaimTypes.NameIdentifier, caller.UserId.ToString(CultureInfo.InvariantCulture));
        Add(identity, ClaimTypes.Email, caller.Email);
        Add(identity, TimeZoneClaim, caller.TimeZone);
        Add(identity, RateLimitPartitionClaim, caller.RateLimitPartition);
        if (caller.ApiKeyId is { } apiKeyId)
        {
            Add(identity, ApiKeyIdClaim, apiKeyId.ToString(CultureInfo.InvariantCulture));
        }

        if (caller.TokenFamilyId is { } family)
        {
            Add(identity, TokenFamilyClaim, family);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A claim made for its identity (one object per claim: the identity keeps it rather than a copy).</summary>
    private static void Add(ClaimsIdentity identity, string type, string value) =>
        identity.AddClaim(
            new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity)
        );

    /// <summary>Counts one lookup for the caller's address; the seconds until its window ends when none is left.</summary>
    private async ValueTask<int?> UnknownTokensSpentAsync()
    {
        var settings = limits.CurrentValue;
        var windowMs = (long)settings.Window.TotalMilliseconds;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = nowMs / windowMs;
        var count = await counts.IncrementAsync(
            "unknown-token:" + RateLimiting.CalRateLimiter.ClientNetwork(Context.Connection.RemoteIpAddress),
            window,
            settings.Window,
            Context.RequestAborted
        );
        return count <= settings.UnknownTokenPermitLimit
            ? null
            : (int)Math.Max(1, Math.Ceiling(((window + 1) * windowMs - nowMs) / 1000.0));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureKey] as string ?? "Unauthorized.";
        if (Context.Items[ThrottledKey] is int retryAfter)
        {
            Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await errors.WriteAsync(Context, StatusCodes.Status429TooManyRequests, message);
            return;
        }

        if (Context.Items.ContainsKey(ExpiredKey))
        {
            Response.Headers[HeaderNames.WWWAuthenticate] =
                "Bearer error=\"invalid_token\", error_description=\"The access token expired\"";
            await errors.WriteAsync(Context, TokenExpiredStatus, message);
            return;
        }

        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        await errors.WriteAsync(Context, StatusCodes.Status401Unauthorized, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        errors.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden.");

    private AuthenticateResult Fail(string message)
    {
        Context.Items[FailureKey] = message;
        return AuthenticateResult.Fail(message);
    }
}
