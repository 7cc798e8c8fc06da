using System.Text.Json;
using System.Text.Json.Serialization;
using Cal.Application.Bookings.Commands.CancelBooking;
using Cal.Application.Bookings.Commands.CreateBooking;
using Cal.Application.Bookings.Commands.RescheduleBooking;
using Cal.Application.Bookings.Common;
using Cal.Application.Bookings.Queries.GetBooking;
using Cal.Application.Bookings.Queries.GetBookings;
using Cal.Application.Common;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>
/// cal.com's bookings (<c>cal-api-version: 2024-08-13</c>). Creating one is public, as in cal.com (rate-limited per client
/// address, and per host for anonymous callers); a booking's uid is its secret (read, cancel, reschedule); listing needs
/// the host's key or token.
/// </summary>
[ApiController]
[Route("v2/bookings")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable)]
public sealed class BookingsController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's booking attendee input.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record AttendeeInputDto(string? Name, string? Email, string? TimeZone, string? Language);

    /// <summary>cal.com's <c>CreateBookingInput_2024_08_13</c> (a one-host event type's fields); unknown fields are refused, as cal.com's
    /// create pipe refuses them.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CreateBookingInputDto(
        string? Start,
        int? EventTypeId,
        string? EventTypeSlug,
        string? Username,
        AttendeeInputDto? Attendee,
        List<string?>? Guests,
        JsonElement? Metadata,
        int? LengthInMinutes,
        string? ReservedSlotUid
    );

    /// <summary>cal.com's <c>CancelBookingInput_2024_08_13</c>.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CancelBookingInputDto(string? CancellationReason);

    /// <summary>cal.com's <c>RescheduleBookingInput_2024_08_13</c>.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record RescheduleBookingInputDto(string? Start, string? ReschedulingReason);

    /// <summary>cal.com's list of bookings: <c>data</c> and <c>pagination</c>.</summary>
    public sealed record BookingsOutput(IReadOnlyList<BookingDto> Data, PaginationDto Pagination)
    {
        [JsonPropertyOrder(-1)]
        public string Status => "success";
    }

    [HttpPost]
    [AllowAnonymous]
    [Consumes("application/json")]
    [RequestSizeLimit(64 * 1024)]
    [ProducesResponseType<SuccessEnvelope<BookingDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> Create(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateBookingInputDto? body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CancellationToken cancellationToken
    )
    {
        var created = await mediator.Send(
            new CreateBookingCommand(
                body?.Start,
                body?.EventTypeId,
                body?.EventTypeSlug,
                body?.Username,
                body?.Attendee is { } a ? new AttendeeInput(a.Name, a.Email, a.TimeZone, a.Language) : null,
                body?.Guests,
                body?.Metadata,
                body?.LengthInMinutes,
                body?.ReservedSlotUid,
                idempotencyKey,
                User.FindUserId()
            ),
            cancellationToken
        );
        return StatusCode(StatusCodes.Status201Created, new SuccessEnvelope<BookingDto>(created.Booking));
    }

    [HttpGet]
    [Authorize]
    [ProducesResponseType<BookingsOutput>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
    public async Task<IActionResult> List(
        [FromQuery] string? status,
        [FromQuery] string? attendeeEmail,
        [FromQuery] int? eventTypeId,
        [FromQuery] string? afterStart,
        [FromQuery] string? beforeEnd,
        [FromQuery] string? sortStart,
        [FromQuery] int? take,
        [FromQuery] int? skip,
        CancellationToken cancellationToken
    )
    {
        var page = await mediator.Send(
            new GetBookingsQuery(
                User.GetUserId(),
                status,
                attendeeEmail,
                eventTypeId,
                InstantInput.Parse(afterStart),
                InstantInput.Parse(beforeEnd),
                sortStart,
                take,
                skip
            ),
            cancellationToken
        );
        return Ok(new BookingsOutput(page.Bookings, page.Pagination));
    }

    [HttpGet("{uid}")]
    [AllowAnonymous]
    [ProducesResponseType<SuccessEnvelope<BookingDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(string uid, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<BookingDto>(await mediator.Send(new GetBookingQuery(uid, User.FindUserId()), cancellationToken)));

    [HttpPost("{uid}/cancel")]
    [AllowAnonymous]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<BookingDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Cancel(
        string uid,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CancelBookingInputDto? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<BookingDto>(
                await mediator.Send(
                    new CancelBookingCommand(uid, body?.CancellationReason, User.FindUserId(), User.FindEmail()),
                    cancellationToken
                )
            )
        );

    [HttpPost("{uid}/reschedule")]
    [AllowAnonymous]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<BookingDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Reschedule(
        string uid,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RescheduleBookingInputDto? body,
        CancellationToken cancellationToken
    ) =>
        StatusCode(
            StatusCodes.Status201Created,
            new SuccessEnvelope<BookingDto>(
                await mediator.Send(
                    new RescheduleBookingCommand(uid, body?.Start, body?.ReschedulingReason, User.FindUserId(), User.FindEmail()),
                    cancellationToken
                )
            )
        );
}
