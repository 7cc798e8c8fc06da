using Cal.Application.Calendars.SelectedCalendars.Commands.DeselectCalendar;
using Cal.Application.Calendars.SelectedCalendars.Commands.SelectCalendar;
using Cal.Application.Calendars.SelectedCalendars.Common;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>cal.com's selected calendars: which of a user's calendars count for busy times (every one starts selected).</summary>
[ApiController]
[Authorize]
[Route("v2/selected-calendars")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
public sealed class SelectedCalendarsController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>SelectedCalendarsInputDto</c>.</summary>
    public sealed record SelectedCalendarsInputDto(string? Integration, string? ExternalId, int? CredentialId);

    [HttpPost]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<SelectedCalendarDto>>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Select(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] SelectedCalendarsInputDto? body,
        CancellationToken cancellationToken
    )
    {
        var selected = await mediator.Send(
            new SelectCalendarCommand(User.GetUserId(), body?.Integration, body?.ExternalId, body?.CredentialId),
            cancellationToken
        );
        return StatusCode(StatusCodes.Status201Created, new SuccessEnvelope<SelectedCalendarDto>(selected));
    }

    [HttpDelete]
    [ProducesResponseType<SuccessEnvelope<SelectedCalendarDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Deselect(
        [FromQuery] string? integration,
        [FromQuery] string? externalId,
        [FromQuery] int? credentialId,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<SelectedCalendarDto>(
                await mediator.Send(new DeselectCalendarCommand(User.GetUserId(), integration, externalId, credentialId), cancellationToken)
            )
        );
}
