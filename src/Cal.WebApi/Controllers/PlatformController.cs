using Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;
using Cal.Application.Platform.ManagedUsers.Commands.DeleteManagedUser;
using Cal.Application.Platform.ManagedUsers.Commands.UpdateManagedUser;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.ManagedUsers.Queries.GetManagedUser;
using Cal.Application.Platform.ManagedUsers.Queries.GetManagedUsers;
using Cal.Application.Platform.Tokens;
using Cal.Application.Platform.Tokens.Commands.ForceRefreshTokens;
using Cal.Application.Platform.Tokens.Commands.RefreshTokens;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>
/// cal.com's platform endpoints for OAuth clients: managed users and their tokens. Authenticated by the
/// client's secret in <c>x-cal-secret-key</c> (the <see cref="OAuthClientAuthenticationHandler"/> scheme, before
/// the body is read), not by a bearer token.
/// </summary>
[ApiController]
[Authorize(Policy = CalAuthentication.OAuthClientPolicy)]
[Route("v2")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status500InternalServerError)]
public sealed class PlatformController(IMediator mediator) : ControllerBase
{
    public const string SecretHeader = OAuthClientAuthenticationHandler.SecretHeader;

    /// <summary>cal.com's <c>CreateManagedUserInput</c>.</summary>
    public sealed record CreateManagedUserInput(
        string? Email,
        string? TimeZone,
        string? Name,
        int? TimeFormat = null,
        string? WeekStart = null,
        string? Locale = null,
        string? AvatarUrl = null,
        string? Bio = null,
        System.Text.Json.JsonElement? Metadata = null
    )
    {
        internal ManagedUserProfile Profile => new(Bio, WeekStart, TimeFormat, Locale, AvatarUrl, Metadata);
    }

    /// <summary>cal.com's <c>CreateManagedUserOutput</c> data: the user and its first tokens (expiry times in epoch
    /// milliseconds).</summary>
    public sealed record CreateManagedUserOutput(
        ManagedUserDto User,
        string AccessToken,
        string RefreshToken,
        long AccessTokenExpiresAt,
        long RefreshTokenExpiresAt
    );

    /// <summary>cal.com's <c>UpdateManagedUserInput</c>: what is given changes.</summary>
    public sealed record UpdateManagedUserInput(
        string? Email,
        string? Name,
        string? TimeZone,
        int? TimeFormat = null,
        string? WeekStart = null,
        string? Locale = null,
        string? AvatarUrl = null,
        string? Bio = null,
        System.Text.Json.JsonElement? Metadata = null
    )
    {
        internal ManagedUserProfile Profile => new(Bio, WeekStart, TimeFormat, Locale, AvatarUrl, Metadata);
    }

    /// <summary>cal.com's <c>RefreshTokenInput</c>.</summary>
    public sealed record RefreshTokenInput(string? RefreshToken);

    [HttpPost("oauth-clients/{clientId}/users")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<CreateManagedUserOutput>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateManagedUser(
        string clientId,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateManagedUserInput? body,
        CancellationToken cancellationToken
    )
    {
        var client = User.GetOAuthClient();
        var created = await mediator.Send(
            new CreateManagedUserCommand(client, body?.Email ?? "", body?.TimeZone, body?.Name, body?.Profile),
            cancellationToken
        );
        var t = created.Tokens;
        return StatusCode(
            StatusCodes.Status201Created,
            new SuccessEnvelope<CreateManagedUserOutput>(
                new CreateManagedUserOutput(created.User, t.AccessToken, t.RefreshToken, t.AccessTokenExpiresAt, t.RefreshTokenExpiresAt)
            )
        );
    }

    [HttpGet("oauth-clients/{clientId}/users")]
    [ProducesResponseType<SuccessEnvelope<IReadOnlyList<ManagedUserDto>>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> GetManagedUsers(
        string clientId,
        [FromQuery] int? limit,
        [FromQuery] int? offset,
        [FromQuery] string[]? emails,
        CancellationToken cancellationToken
    )
    {
        var client = User.GetOAuthClient();
        return Ok(
            new SuccessEnvelope<IReadOnlyList<ManagedUserDto>>(
                await mediator.Send(
                    new GetManagedUsersQuery(
                        client,
                        limit,
                        offset,
                        emails
                            ?.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            .ToList()
                    ),
                    cancellationToken
                )
            )
        );
    }

    [HttpGet("oauth-clients/{clientId}/users/{userId:int}")]
    [ProducesResponseType<SuccessEnvelope<ManagedUserDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> GetManagedUser(string clientId, int userId, CancellationToken cancellationToken)
    {
        var client = User.GetOAuthClient();
        return Ok(new SuccessEnvelope<ManagedUserDto>(await mediator.Send(new GetManagedUserQuery(client, userId), cancellationToken)));
    }

    [HttpPatch("oauth-clients/{clientId}/users/{userId:int}")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<ManagedUserDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> UpdateManagedUser(
        string clientId,
        int userId,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] UpdateManagedUserInput? body,
        CancellationToken cancellationToken
    )
    {
        var updated = await mediator.Send(
            new UpdateManagedUserCommand(User.GetOAuthClient(), userId, body?.Email, body?.Name, body?.TimeZone, body?.Profile),
            cancellationToken
        );
        return Ok(new SuccessEnvelope<ManagedUserDto>(updated));
    }

    [HttpDelete("oauth-clients/{clientId}/users/{userId:int}")]
    [ProducesResponseType<SuccessEnvelope<ManagedUserDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> DeleteManagedUser(string clientId, int userId, CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<ManagedUserDto>(
                await mediator.Send(new DeleteManagedUserCommand(User.GetOAuthClient(), userId), cancellationToken)
            )
        );

    [HttpPost("oauth-clients/{clientId}/users/{userId:int}/force-refresh")]
    [ProducesResponseType<SuccessEnvelope<TokenPairDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ForceRefresh(string clientId, int userId, CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<TokenPairDto>(
                await mediator.Send(new ForceRefreshTokensCommand(User.GetOAuthClient(), userId), cancellationToken)
            )
        );

    [HttpPost("oauth/{clientId}/refresh")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<TokenPairDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Refresh(
        string clientId,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RefreshTokenInput? body,
        CancellationToken cancellationToken
    )
    {
        var client = User.GetOAuthClient();
        var tokens = await mediator.Send(new RefreshTokensCommand(client, body?.RefreshToken ?? ""), cancellationToken);
        return Ok(new SuccessEnvelope<TokenPairDto>(tokens));
    }
}
