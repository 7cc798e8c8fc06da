using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Cal.WebApi.Authentication;

/// <summary>
/// Who may call what: two schemes (<see cref="CalBearerAuthenticationHandler"/>: API keys and managed users' access
/// tokens; <see cref="OAuthClientAuthenticationHandler"/>: an OAuth client's secret) and the policies actions name.
/// The request's own scheme is chosen before the rate limiter runs (a platform route with the secret header: the
/// client's; anything else: the bearer's), so every caller is limited by who they are, not by their address.
/// </summary>
public static class CalAuthentication
{
    /// <summary>A bearer caller: an API key or a managed user's access token (every <c>[Authorize]</c> without a policy).</summary>
    public const string BearerPolicy = "Bearer";

    /// <summary>An API key, not a managed user's access token.</summary>
    public const string ApiKeyOnlyPolicy = "ApiKeyOnly";

    /// <summary>An OAuth client, by its secret (the platform endpoints).</summary>
    public const string OAuthClientPolicy = "OAuthClient";

    public static IServiceCollection AddCalAuthentication(this IServiceCollection services)
    {
        // The bearer scheme is the default and hands a platform route with the secret header to the client's scheme itself
        // (its own forward selector; null keeps it): one handler per request rather than a policy scheme in front of two.
        services
            .AddAuthentication(CalBearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CalBearerAuthenticationHandler>(
                CalBearerAuthenticationHandler.SchemeName,
                o =>
                    o.ForwardDefaultSelector = context =>
                        context.Request.Headers.ContainsKey(OAuthClientAuthenticationHandler.SecretHeader)
                        && context.Request.RouteValues.ContainsKey(OAuthClientAuthenticationHandler.ClientRouteValue)
                            ? OAuthClientAuthenticationHandler.SchemeName
                            : null
            )
            .AddScheme<AuthenticationSchemeOptions, OAuthClientAuthenticationHandler>(OAuthClientAuthenticationHandler.SchemeName, null);

        var bearer = new AuthorizationPolicyBuilder(CalBearerAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        services
            .AddAuthorizationBuilder()
            .SetDefaultPolicy(bearer)
            .AddPolicy(BearerPolicy, bearer)
            .AddPolicy(
                ApiKeyOnlyPolicy,
                p =>
                    p.AddAuthenticationSchemes(CalBearerAuthenticationHandler.SchemeName)
                        .RequireAuthenticatedUser()
                        .AddRequirements(
                            new ApiKeyOnlyRequirement(
                                "Refreshing an API key needs an API key; this request was made with a managed user's access token.",
                                StatusCodes.Status401Unauthorized
                            )
                        )
            )
            .AddPolicy(
                OAuthClientPolicy,
                p => p.AddAuthenticationSchemes(OAuthClientAuthenticationHandler.SchemeName).RequireAuthenticatedUser()
            );
        services.AddSingleton<IAuthorizationHandler, ApiKeyOnlyHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, EnvelopeAuthorizationResultHandler>();
        return services;
    }

    /// <summary>The caller authenticated with an API key; else <see cref="Status"/> (401, as cal.com answers) with
    /// <see cref="Message"/>.</summary>
    public sealed record ApiKeyOnlyRequirement(string Message, int Status) : IAuthorizationRequirement;

    /// <summary>A refusal that says how to answer: its status and message, in the envelope.</summary>
    private sealed class EnvelopeFailureReason(IAuthorizationHandler handler, string message, int status)
        : AuthorizationFailureReason(handler, message)
    {
        public int Status => status;
    }

    private sealed class ApiKeyOnlyHandler : AuthorizationHandler<ApiKeyOnlyRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiKeyOnlyRequirement requirement)
        {
            if (context.User.GetApiKeyId() is not null)
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new EnvelopeFailureReason(this, requirement.Message, requirement.Status));
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A refusal by a requirement that says how answers in the envelope with that status and reason; the rest as usual.</summary>
    private sealed class EnvelopeAuthorizationResultHandler(Envelopes.ErrorEnvelopeWriter errors) : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler fallback = new();

        public Task HandleAsync(
            RequestDelegate next,
            HttpContext context,
            AuthorizationPolicy policy,
            PolicyAuthorizationResult authorizeResult
        )
        {
            if (
                authorizeResult.Forbidden
                && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<EnvelopeFailureReason>().FirstOrDefault() is { } reason
            )
            {
                if (reason.Status == StatusCodes.Status401Unauthorized)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                }

                return errors.WriteAsync(context, reason.Status, reason.Message);
            }

            return fallback.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
