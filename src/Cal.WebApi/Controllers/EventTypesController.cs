using Cal.Application.EventTypes.Commands.CreateEventType;
using Cal.Application.EventTypes.Commands.DeleteEventType;
using Cal.Application.EventTypes.Commands.UpdateEventType;
using Cal.Application.EventTypes.Common;
using Cal.Application.EventTypes.Queries.GetEventType;
using Cal.Application.EventTypes.Queries.GetEventTypes;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>cal.com's event types (<c>cal-api-version: 2024-06-14</c>), the subset slots need.</summary>
[ApiController]
[Authorize]
[Route("v2/event-types")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
public sealed class EventTypesController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>CreateEventTypeInput_2024_06_14</c> (the subset slots need; every field optional for an update).</summary>
    public sealed record EventTypeInputDto(
        string? Title,
        string? Slug,
        int? LengthInMinutes,
        string? Description,
        int? ScheduleId,
        int? BeforeEventBuffer,
        int? AfterEventBuffer,
        int? MinimumBookingNotice,
        int? SlotInterval
    )
    {
        internal EventTypeFields Fields =>
            new(
                Title,
                Slug,
                LengthInMinutes,
                Description,
                ScheduleId,
                BeforeEventBuffer,
                AfterEventBuffer,
                MinimumBookingNotice,
                SlotInterval
            );
    }

    private static readonly EventTypeFields None = new(null, null, null, null, null, null, null, null, null);

    [HttpPost]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<EventTypeDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] EventTypeInputDto? body,
        CancellationToken cancellationToken
    ) =>
        StatusCode(
            StatusCodes.Status201Created,
            new SuccessEnvelope<EventTypeDto>(
                await mediator.Send(new CreateEventTypeCommand(User.GetUserId(), body?.Fields ?? None), cancellationToken)
            )
        );

    [HttpGet]
    [ProducesResponseType<SuccessEnvelope<IReadOnlyList<EventTypeDto>>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> List(CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<IReadOnlyList<EventTypeDto>>(
                await mediator.Send(new GetEventTypesQuery(User.GetUserId()), cancellationToken)
            )
        );

    [HttpGet("{eventTypeId:int}")]
    [ProducesResponseType<SuccessEnvelope<EventTypeDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(int eventTypeId, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<EventTypeDto>(await mediator.Send(new GetEventTypeQuery(User.GetUserId(), eventTypeId), cancellationToken)));

    [HttpPatch("{eventTypeId:int}")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<EventTypeDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Update(
        int eventTypeId,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] EventTypeInputDto? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<EventTypeDto>(
                await mediator.Send(new UpdateEventTypeCommand(User.GetUserId(), eventTypeId, body?.Fields ?? None), cancellationToken)
            )
        );

    [HttpDelete("{eventTypeId:int}")]
    [ProducesResponseType<SuccessEnvelope<EventTypeDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Delete(int eventTypeId, CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<EventTypeDto>(
                await mediator.Send(new DeleteEventTypeCommand(User.GetUserId(), eventTypeId), cancellationToken)
            )
        );
}
