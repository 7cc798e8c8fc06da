using Cal.Application.ApiKeys.Commands.RefreshApiKey;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

[ApiController]
[Authorize]
[Route("v2/api-keys")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(CalBearerAuthenticationHandler.TokenExpiredStatus)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status500InternalServerError)]
public sealed class ApiKeysController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>RefreshApiKeyInput</c>: both optional; a new key is valid 30 days unless told otherwise.</summary>
    public sealed record RefreshApiKeyInput(int? ApiKeyDaysValid, bool? ApiKeyNeverExpires);

    /// <summary>cal.com's refresh output: the new plaintext key, shown this once.</summary>
    public sealed record ApiKeyOutput(string ApiKey);

    [HttpPost("refresh")]
    [Authorize(Policy = CalAuthentication.ApiKeyOnlyPolicy)]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<ApiKeyOutput>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Refresh(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RefreshApiKeyInput? body,
        CancellationToken cancellationToken
    )
    {
        var key = await mediator.Send(
            new RefreshApiKeyCommand(User.GetUserId(), User.GetApiKeyId()!.Value, body?.ApiKeyDaysValid, body?.ApiKeyNeverExpires),
            cancellationToken
        );
        return Ok(new SuccessEnvelope<ApiKeyOutput>(new ApiKeyOutput(key)));
    }
}
