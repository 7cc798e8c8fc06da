using System.Security.Claims;
using System.Text.Encodings.Web;
using Cal.Application.ApiKeys.Queries.AuthenticateApiKey;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Cal.WebApi.Authentication;

/// <summary>
/// <c>Authorization: Bearer cal_...</c>. Unknown, expired and revoked keys all get the same answer,
/// so a caller learns nothing about which keys exist.
/// </summary>
public sealed class CalBearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMediator mediator,
    ErrorEnvelopeWriter errors) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CalBearer";
    public const string TimeZoneClaim = "cal:time_zone";
    public const string ApiKeyIdClaim = "cal:api_key_id";

    private const string FailureKey = "cal:auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Fail("No Authorization header: send Authorization: Bearer <API key>.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Fail("The Authorization header must be 'Bearer <API key>'.");
        }

        var caller = await mediator.Send(new AuthenticateApiKeyQuery(header[7..].Trim()), Context.RequestAborted);
        if (caller is null)
        {
            return Fail("Invalid API key.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, caller.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Email, caller.Email),
                new Claim(TimeZoneClaim, caller.TimeZone),
                new Claim(ApiKeyIdClaim, caller.ApiKeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureKey] as string ?? "Unauthorized.";
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
