using Cal.Application.DestinationCalendars.Commands.SetDestinationCalendar;
using Cal.Application.DestinationCalendars.Common;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>cal.com's destination calendars: where the caller's bookings are written.</summary>
[ApiController]
[Authorize]
[Route("v2/destination-calendars")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
public sealed class DestinationCalendarsController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>DestinationCalendarsInputBodyDto</c>.</summary>
    public sealed record DestinationCalendarsInputBodyDto(string? Integration, string? ExternalId);

    [HttpPut]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<DestinationCalendarSetDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Set(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DestinationCalendarsInputBodyDto? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<DestinationCalendarSetDto>(
                await mediator.Send(
                    new SetDestinationCalendarCommand(User.GetUserId(), body?.Integration, body?.ExternalId),
                    cancellationToken
                )
            )
        );
}
