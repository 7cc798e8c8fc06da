using System.Text.Json.Serialization;
using Cal.Application.Bookings.Commands.CreateBooking;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Slots.Common;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using FluentValidation;
using Mediator;

namespace Cal.Application.Slots.Commands.ReserveSlot;

/// <summary>cal.com's reserved slot (2024-09-04): <c>reservationDuration</c> only where the host made it (in minutes).</summary>
public sealed record SlotReservationDto(
    int EventTypeId,
    DateTimeOffset SlotStart,
    DateTimeOffset SlotEnd,
    int SlotDuration,
    string ReservationUid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ReservationDuration,
    DateTimeOffset ReservationUntil
)
{
    public static SlotReservationDto From(SlotReservation r, bool withDuration) =>
        new(
            r.EventTypeId,
            r.SlotStart,
            r.SlotEnd,
            (int)(r.SlotEnd - r.SlotStart).TotalMinutes,
            r.Uid,
            withDuration ? r.ReservationMinutes : null,
            r.ReservedUntil
        );
}

/// <summary>
/// cal.com's <c>POST /v2/slots/reservations</c> (and, with <paramref name="Uid"/>, <c>PATCH .../{uid}</c>: moved, its time
/// started again): hold an offered slot for <c>reservationDuration</c> minutes (default 5; another length only for the
/// event type's authenticated host). While it lasts the slot is offered to no one, and only a booking naming its uid takes it.
/// </summary>
public sealed record ReserveSlotCommand(
    string? Uid,
    int? EventTypeId,
    StartInput? SlotStart,
    int? SlotDuration,
    int? ReservationDuration,
    int? CallerUserId
) : ICommand<SlotReservationDto>, IValidated;

public sealed class ReserveSlotCommandHandler(
    IEventTypeRepository eventTypes,
    ISlotReservationStore reservations,
    IBookingStore bookings,
    EventTypeAvailability availability,
    AnonymousAvailabilityLimit hostLimit,
    TimeProvider time
) : ICommandHandler<ReserveSlotCommand, SlotReservationDto>
{
    public const int DefaultMinutes = 5;
    public const string Booked = "Can't reserve a slot if the event is already booked.";
    public const string ReservedByAnother = "This time slot is already reserved by another user. Please choose a different time.";

    public static string NotFound(string uid) => $"Slot with uid={uid} not found";

    public async ValueTask<SlotReservationDto> Handle(ReserveSlotCommand command, CancellationToken cancellationToken)
    {
        var start = command.SlotStart!.Valid;
        var now = time.GetUtcNow();
        SlotReservation? existing = null;
        if (
            command.Uid is { } uid
            && ((existing = await reservations.FindAsync(uid, cancellationToken)) is null || !existing.IsActiveAt(now))
        )
        {
            throw new NotFoundException(NotFound(uid));
        }

        var eventType =
            await eventTypes.FindAsync(command.EventTypeId!.Value, cancellationToken)
            ?? throw new NotFoundException($"Event type with id {command.EventTypeId} not found.");
        if (existing is not null && existing.HostUserId != eventType.UserId)
        {
            throw new NotFoundException(NotFound(existing.Uid));
        }

        var minutes = ReservationMinutes(command, eventType);
        if (command.SlotDuration is { } slotDuration && slotDuration != eventType.LengthInMinutes)
        {
            throw new BadRequestException(
                $"slotDuration {slotDuration} is not a length event type {eventType.Id} offers: it is {eventType.LengthInMinutes} minutes "
                    + "long."
            );
        }

        if (command.CallerUserId != eventType.UserId)
        {
            await hostLimit.EnterAsync(eventType.UserId, cancellationToken);
        }

        var end = start.AddMinutes(eventType.LengthInMinutes);
        if (
            !await availability.IsOfferedAsync(
                eventType,
                start,
                new EventTypeAvailability.Ignoring(ReservationUid: existing?.Uid),
                cancellationToken
            )
        )
        {
            // Taken, or never offered: say which.
            if ((await bookings.AcceptedBlocksAsync(eventType.UserId, start, end, cancellationToken)).Count > 0)
            {
                throw new UnprocessableException(Booked);
            }

            if ((await reservations.ActiveAsync(eventType.UserId, start, end, now, existing?.Uid, cancellationToken)).Count > 0)
            {
                throw new UnprocessableException(ReservedByAnother);
            }

            throw new BadRequestException($"{command.SlotStart} is not a slot event type {eventType.Id} offers.");
        }

        var reservation =
            existing
            ?? SlotReservation.Reserve(CreateBookingCommandHandler.NewUid(), eventType.Id, eventType.UserId, start, end, minutes, now);
        reservation.Move(eventType.Id, start, end, minutes, now);
        switch (await reservations.SaveAsync(reservation, isNew: existing is null, now, cancellationToken))
        {
            case ReservationOutcome.Booked:
                throw new UnprocessableException(Booked);
            case ReservationOutcome.ReservedByAnother:
                throw new UnprocessableException(ReservedByAnother);
            default:
                return SlotReservationDto.From(reservation, withDuration: true);
        }
    }

    private static int ReservationMinutes(ReserveSlotCommand command, EventType eventType)
    {
        if (command.ReservationDuration is not { } minutes)
        {
            return DefaultMinutes;
        }

        // cal.com: only the event type's host chooses how long a slot is held.
        return command.CallerUserId is null
                ? throw new UnauthorizedException("reservationDuration can only be set by the event type's owner: authenticate as them.")
            : command.CallerUserId != eventType.UserId
                ? throw new ForbiddenException("reservationDuration can only be set by the event type's owner.")
            : minutes;
    }
}

public sealed class ReserveSlotCommandValidator : AbstractValidator<ReserveSlotCommand>
{
    public ReserveSlotCommandValidator()
    {
        RuleFor(c => c.EventTypeId).NotNull().GreaterThan(0).OverridePropertyName("eventTypeId");
        RuleFor(c => c.SlotStart).IsStart().OverridePropertyName("slotStart");
        RuleFor(c => c.SlotDuration).InclusiveBetween(1, 1440).OverridePropertyName("slotDuration");
        RuleFor(c => c.ReservationDuration).InclusiveBetween(1, 1440).OverridePropertyName("reservationDuration");
        RuleFor(c => c.Uid).MaximumLength(64).OverridePropertyName("uid");
    }
}

/// <summary>cal.com's <c>GET /v2/slots/reservations/{uid}</c>.</summary>
public sealed record GetSlotReservationQuery(string Uid) : IQuery<SlotReservationDto>;

/// <summary>cal.com's <c>DELETE /v2/slots/reservations/{uid}</c>.</summary>
public sealed record DeleteSlotReservationCommand(string Uid) : ICommand<bool>;

public sealed class SlotReservationHandlers(ISlotReservationStore reservations, TimeProvider time)
    : IQueryHandler<GetSlotReservationQuery, SlotReservationDto>,
        ICommandHandler<DeleteSlotReservationCommand, bool>
{
    public async ValueTask<SlotReservationDto> Handle(GetSlotReservationQuery query, CancellationToken cancellationToken) =>
        await reservations.FindAsync(query.Uid, cancellationToken) is { } r && r.IsActiveAt(time.GetUtcNow())
            ? SlotReservationDto.From(r, withDuration: false)
            : throw new NotFoundException(ReserveSlotCommandHandler.NotFound(query.Uid));

    public async ValueTask<bool> Handle(DeleteSlotReservationCommand command, CancellationToken cancellationToken) =>
        await reservations.FindAsync(command.Uid, cancellationToken) is { } r
        && r.IsActiveAt(time.GetUtcNow())
        && await reservations.DeleteAsync(command.Uid, cancellationToken)
            ? true
            : throw new NotFoundException(ReserveSlotCommandHandler.NotFound(command.Uid));
}
