using Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

[ApiController]
[Authorize]
[Route("v2/calendars")]
[Produces("application/json")]
public sealed class CalendarsController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>CreateIcsFeedInputDto</c>; unknown fields are ignored.</summary>
    public sealed record SaveIcsFeedRequest(List<string?>? Urls, bool? ReadOnly);

    [HttpPost("ics-feed/save")]
    [Consumes("application/json")]
    [RequestSizeLimit(256 * 1024)]
    [ProducesResponseType<SuccessEnvelope<IcsFeedCredentialDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
    public async Task<IActionResult> SaveIcsFeed([FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] SaveIcsFeedRequest? body, CancellationToken cancellationToken)
    {
        var credential = await mediator.Send(new SaveIcsFeedCommand(User.GetUserId(), body?.Urls, body?.ReadOnly), cancellationToken);
        return StatusCode(StatusCodes.Status201Created, new SuccessEnvelope<IcsFeedCredentialDto>(credential));
    }
}
