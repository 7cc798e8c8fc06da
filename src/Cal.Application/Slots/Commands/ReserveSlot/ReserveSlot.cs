using AutoMapper;
using Cal.Application.Bookings.Commands.CreateBooking;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Slots.Common;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Mediator;

namespace Cal.Application.Slots.Commands.ReserveSlot;

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
    TimeProvider time,
    IMapper mapper
) : ICommandHandler<ReserveSlotCommand, SlotReservationDto>
{
    public const int DefaultMinutes = 5;
    public const string Booked = "Can't reserve a slot if the event is already booked.";
    public const string ReservedByAnother = "This time slot is already reserved by another user. Please choose a different time.";

    public async ValueTask<SlotReservationDto> Handle(ReserveSlotCommand command, CancellationToken cancellationToken)
    {
        var start = command.SlotStart!.Valid;
        var now = time.GetUtcNow();
        var existing = command.Uid is { } uid ? await reservations.FindActiveAsync(uid, now, cancellationToken) : null;
        var eventType =
            await eventTypes.FindAsync(command.EventTypeId!.Value, cancellationToken)
            ?? throw new NotFoundException($"Event type with id {command.EventTypeId} not found.");
        if (existing is not null && existing.HostUserId != eventType.UserId)
        {
            throw new NotFoundException(SlotReservationAccess.NotFound(existing.Uid));
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
        var ignoring = new EventTypeAvailability.Ignoring(ReservationUid: existing?.Uid);
        if (!await availability.IsOfferedAsync(eventType, start, ignoring, cancellationToken))
        {
            throw await WhyNotOfferedAsync(command, eventType, start, end, now, existing, cancellationToken);
        }

        var reservation =
            existing
            ?? SlotReservation.Reserve(CreateBookingCommandHandler.NewUid(), eventType.Id, eventType.UserId, start, end, minutes, now);
        reservation.Move(eventType.Id, start, end, minutes, now);
        return await reservations.SaveAsync(reservation, isNew: existing is null, now, cancellationToken) switch
        {
            ReservationOutcome.Booked => throw new UnprocessableException(Booked),
            ReservationOutcome.ReservedByAnother => throw new UnprocessableException(ReservedByAnother),
            _ => mapper.Map<SlotReservationDto>(reservation),
        };
    }

    /// <summary>A slot not offered: booked, reserved by someone else, or never offered; the refusal says which.</summary>
    private async Task<Exception> WhyNotOfferedAsync(
        ReserveSlotCommand command,
        EventType eventType,
        DateTimeOffset start,
        DateTimeOffset end,
        DateTimeOffset now,
        SlotReservation? existing,
        CancellationToken cancellationToken
    )
    {
        if ((await bookings.AcceptedBlocksAsync(eventType.UserId, start, end, cancellationToken)).Count > 0)
        {
            return new UnprocessableException(Booked);
        }

        if ((await reservations.ActiveAsync(eventType.UserId, start, end, now, existing?.Uid, cancellationToken)).Count > 0)
        {
            return new UnprocessableException(ReservedByAnother);
        }

        return new BadRequestException($"{command.SlotStart} is not a slot event type {eventType.Id} offers.");
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
