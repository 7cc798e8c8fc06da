using AutoMapper;
using Cal.Application.Bookings.Commands.CreateBooking;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Outbox;
using Cal.Application.Slots.Common;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using FluentValidation;
using Mediator;

namespace Cal.Application.Bookings.Commands.RescheduleBooking;

/// <summary>
/// cal.com's <c>POST /v2/bookings/{uid}/reschedule</c>: a new booking at <paramref name="Start"/> (checked as a new
/// booking's start is, the old booking's own time aside), the old one cancelled and pointing to it; in one transaction.
/// </summary>
public sealed record RescheduleBookingCommand(
    string Uid,
    StartInput? Start,
    string? ReschedulingReason,
    int? CallerUserId,
    string? CallerEmail
) : ICommand<BookingDto>, IValidated;

public sealed class RescheduleBookingCommandHandler(
    BookingAccess access,
    IBookingStore store,
    EventTypeAvailability availability,
    BookingSideEffects sideEffects,
    IOutboxSignal outbox,
    TimeProvider time,
    IMapper mapper
) : ICommandHandler<RescheduleBookingCommand, BookingDto>
{
    public async ValueTask<BookingDto> Handle(RescheduleBookingCommand command, CancellationToken cancellationToken)
    {
        var start = command.Start!.Valid;
        var (old, host, eventType) = await access.FindAsync(command.Uid, command.CallerUserId, cancellationToken);
        if (!old.IsAccepted || eventType is null)
        {
            throw Cancelled(old);
        }

        var now = time.GetUtcNow();
        if (start < now)
        {
            throw new BadRequestException(CreateBookingCommandHandler.InThePast);
        }

        var booking = MovedCopy(old, eventType, host.Id, start, now);
        var reason = command.ReschedulingReason?.Trim();
        booking.RescheduleFrom(old, reason);
        if (!await availability.IsOfferedAsync(eventType, start, new EventTypeAvailability.Ignoring(Moving: old), cancellationToken))
        {
            throw new BadRequestException(CreateBookingCommandHandler.NotAvailable);
        }

        old.MoveTo(booking, reason, command.CallerEmail ?? old.AttendeeEmail, now);
        var effects = await sideEffects.ForAsync(BookingChange.Rescheduled, booking, old, host, eventType, cancellationToken);
        var inserted = await store.InsertAcceptedAsync(
            booking,
            effects,
            reservationUid: null,
            replacing: old,
            idempotencyKey: null,
            now,
            cancellationToken
        );
        ThrowUnlessInserted(inserted, old, now);
        if (effects.Count > 0)
        {
            outbox.Notify();
        }

        return mapper.Map<BookingDto>(new HostedBooking(booking, host, eventType));
    }

    /// <summary>The new booking: the old one's attendee, guests, title and metadata, at <paramref name="start"/>, new uids.</summary>
    private static Booking MovedCopy(Booking old, EventType eventType, int hostId, DateTimeOffset start, DateTimeOffset now) =>
        Booking.Accept(
            CreateBookingCommandHandler.NewUid(),
            CreateBookingCommandHandler.NewUid() + "@cal",
            eventType.Id,
            hostId,
            old.Title,
            old.Description,
            start,
            start.AddMinutes(eventType.LengthInMinutes),
            TimeSpan.FromMinutes(eventType.BeforeEventBuffer),
            TimeSpan.FromMinutes(eventType.AfterEventBuffer),
            new Attendee(old.AttendeeName, old.AttendeeEmail, old.AttendeeTimeZone, old.AttendeeLanguage),
            old.Guests,
            old.Metadata,
            now
        );

    /// <summary>The insert's refusals as cal.com words them: taken meanwhile, held by a reservation, or cancelled meanwhile.</summary>
    private static void ThrowUnlessInserted(BookingInsertResult inserted, Booking old, DateTimeOffset now)
    {
        switch (inserted.Outcome)
        {
            case BookingInsert.Overlaps:
                throw new BadRequestException(CreateBookingCommandHandler.NotAvailable);
            case BookingInsert.Reserved:
                throw new ConflictException(CreateBookingCommandHandler.ReservedMessage(inserted.ReservedUntil!.Value, now));
            case BookingInsert.NoLongerAccepted:
                throw Cancelled(old);
            default:
                break;
        }
    }

    private static BadRequestException Cancelled(Booking old) =>
        new($"Can't reschedule booking with uid={old.Uid} because it has been cancelled. Please create a new booking instead.");
}

public sealed class RescheduleBookingCommandValidator : AbstractValidator<RescheduleBookingCommand>
{
    public RescheduleBookingCommandValidator()
    {
        RuleFor(c => c.Start).IsStart().OverridePropertyName("start");
        RuleFor(c => c.ReschedulingReason).MaximumLength(BookingInput.MaxReasonLength).OverridePropertyName("reschedulingReason");
    }
}
