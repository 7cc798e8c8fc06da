using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Cal.Application.Common.Exceptions;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.Authentication;

/// <summary>
/// The platform endpoints' scheme: the OAuth client named in the route (<c>{clientId}</c>) and its secret in
/// <c>x-cal-secret-key</c>, checked before the body is read (<see cref="AuthenticateOAuthClientQuery"/>). The principal
/// carries the client's ids and a rate-limit partition of its own, so platform calls spend the client's budget, not the
/// caller's IP's.
/// </summary>
public sealed class OAuthClientAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMediator mediator,
    ErrorEnvelopeWriter errors
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CalOAuthClient";
    public const string SecretHeader = "x-cal-secret-key";
    public const string ClientRouteValue = "clientId";
    public const string OAuthClientIdClaim = "cal:oauth_client_id";
    public const string OAuthClientPublicIdClaim = "cal:oauth_client";

    private const string FailureKey = "cal:oauth-client-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var clientId = Context.GetRouteValue(ClientRouteValue) as string ?? "";
        try
        {
            var client = await mediator.Send(
                new AuthenticateOAuthClientQuery(clientId, Request.Headers[SecretHeader]),
                Context.RequestAborted
            );
            var id = client.Id.ToString(CultureInfo.InvariantCulture);
            var identity = new ClaimsIdentity(
                [
                    new Claim(OAuthClientIdClaim, id),
                    new Claim(OAuthClientPublicIdClaim, client.ClientId),
                    new Claim(CalBearerAuthenticationHandler.RateLimitPartitionClaim, "oauth-client:" + id),
                ],
                SchemeName
            );
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
        }
        catch (UnauthorizedException ex)
        {
            Context.Items[FailureKey] = ex.Message;
            return AuthenticateResult.Fail(ex.Message);
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        errors.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            Context.Items[FailureKey] as string ?? AuthenticateOAuthClientQueryHandler.InvalidCredentials
        );

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        errors.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden.");
}
