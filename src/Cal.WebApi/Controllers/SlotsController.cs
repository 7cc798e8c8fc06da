using Cal.Application.Common;
using Cal.Application.Slots.Commands.DeleteSlotReservation;
using Cal.Application.Slots.Commands.ReserveSlot;
using Cal.Application.Slots.Common;
using Cal.Application.Slots.Queries.GetSlotReservation;
using Cal.Application.Slots.Queries.GetSlots;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>cal.com's <c>GET /v2/slots</c> (<c>cal-api-version: 2024-09-04</c>): public, as in cal.com, and rate-limited per client
/// IP.</summary>
[ApiController]
[AllowAnonymous]
[Route("v2/slots")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable)]
public sealed class SlotsController(IMediator mediator) : ControllerBase
{
    [HttpGet]
    [ProducesResponseType<SuccessEnvelope<IReadOnlyDictionary<string, IReadOnlyList<SlotDto>>>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(
        [FromQuery] int? eventTypeId,
        [FromQuery] string? eventTypeSlug,
        [FromQuery] string? username,
        [FromQuery] string? start,
        [FromQuery] string? end,
        [FromQuery] string? timeZone,
        [FromQuery] int? duration,
        [FromQuery] string? format,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<IReadOnlyDictionary<string, IReadOnlyList<SlotDto>>>(
                await mediator.Send(
                    new GetSlotsQuery(
                        eventTypeId,
                        eventTypeSlug,
                        username,
                        InstantInput.Parse(start),
                        InstantInput.Parse(end, endOfDay: true),
                        timeZone,
                        duration,
                        format,
                        User.FindUserId()
                    ),
                    cancellationToken
                )
            )
        );

    /// <summary>cal.com's <c>ReserveSlotInput_2024_09_04</c>.</summary>
    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
    public sealed record ReserveSlotInputDto(int? EventTypeId, string? SlotStart, int? SlotDuration, int? ReservationDuration);

    [HttpPost("reservations")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<SlotReservationDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> Reserve(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReserveSlotInputDto? body,
        CancellationToken cancellationToken
    ) =>
        StatusCode(
            StatusCodes.Status201Created,
            new SuccessEnvelope<SlotReservationDto>(
                await mediator.Send(
                    new ReserveSlotCommand(
                        null,
                        body?.EventTypeId,
                        body?.SlotStart,
                        body?.SlotDuration,
                        body?.ReservationDuration,
                        User.FindUserId()
                    ),
                    cancellationToken
                )
            )
        );

    [HttpGet("reservations/{uid}")]
    [ProducesResponseType<SuccessEnvelope<SlotReservationDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> GetReservation(string uid, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<SlotReservationDto>(await mediator.Send(new GetSlotReservationQuery(uid), cancellationToken)));

    [HttpPatch("reservations/{uid}")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<SlotReservationDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> MoveReservation(
        string uid,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReserveSlotInputDto? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<SlotReservationDto>(
                await mediator.Send(
                    new ReserveSlotCommand(
                        uid,
                        body?.EventTypeId,
                        body?.SlotStart,
                        body?.SlotDuration,
                        body?.ReservationDuration,
                        User.FindUserId()
                    ),
                    cancellationToken
                )
            )
        );

    [HttpDelete("reservations/{uid}")]
    [ProducesResponseType<SuccessEnvelope>(StatusCodes.Status200OK)]
    public async Task<IActionResult> DeleteReservation(string uid, CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteSlotReservationCommand(uid), cancellationToken);
        return Ok(new SuccessEnvelope());
    }

    /// <summary>cal.com's earlier slots call (2024-04-15), which <c>@calcom/sdk</c> 1.0.1 makes:
    /// <c>{"slots":{"date":[{"time"}]}}</c>.</summary>
    public sealed record AvailableSlotsOutput(IReadOnlyDictionary<string, IReadOnlyList<AvailableSlot>> Slots);

    public sealed record AvailableSlot(string Time);

    [HttpGet("available")]
    [ProducesResponseType<SuccessEnvelope<AvailableSlotsOutput>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Available(
        [FromQuery] int? eventTypeId,
        [FromQuery] string? startTime,
        [FromQuery] string? endTime,
        [FromQuery] string? timeZone,
        [FromQuery] int? duration,
        CancellationToken cancellationToken
    )
    {
        var slots = await mediator.Send(
            new GetSlotsQuery(
                eventTypeId,
                null,
                null,
                InstantInput.Parse(startTime),
                InstantInput.Parse(endTime, endOfDay: true),
                timeZone,
                duration,
                null,
                User.FindUserId()
            ),
            cancellationToken
        );
        return Ok(
            new SuccessEnvelope<AvailableSlotsOutput>(
                new AvailableSlotsOutput(
                    slots.ToDictionary(
                        d => d.Key,
                        d => (IReadOnlyList<AvailableSlot>)d.Value.Select(s => new AvailableSlot(s.Start)).ToList()
                    )
                )
            )
        );
    }
}
