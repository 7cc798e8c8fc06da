using Cal.Application.Bookings.Commands.CreateBooking;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Outbox;
using Cal.Application.Slots.Common;
using Cal.Domain.Bookings;
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
    TimeProvider time
) : ICommandHandler<RescheduleBookingCommand, BookingDto>
{
    public async ValueTask<BookingDto> Handle(RescheduleBookingCommand command, CancellationToken cancellationToken)
    {
        var start = command.Start!.Valid;
        var (old, host, eventType) = await access.FindAsync(command.Uid, command.CallerUserId, cancellationToken);
        if (!old.IsAccepted || eventType is null)
        {
            throw new BadRequestException(
                $"Can't reschedule booking with uid={old.Uid} because it has been cancelled. Please create a new booking instead."
            );
        }

        var now = time.GetUtcNow();
        if (start < now)
        {
            throw new BadRequestException(CreateBookingCommandHandler.InThePast);
        }

        var booking = Booking.Accept(
            CreateBookingCommandHandler.NewUid(),
            CreateBookingCommandHandler.NewUid() + "@cal",
            eventType.Id,
            host.Id,
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
        switch (inserted.Outcome)
        {
            case BookingInsert.Overlaps:
                throw new BadRequestException(CreateBookingCommandHandler.NotAvailable);
            case BookingInsert.Reserved:
                throw new ConflictException(CreateBookingCommandHandler.ReservedMessage(inserted.ReservedUntil!.Value, now));
            case BookingInsert.NoLongerAccepted:
                throw new BadRequestException(
                    $"Can't reschedule booking with uid={old.Uid} because it has been cancelled. Please create a new booking instead."
                );
            default:
                break;
        }

        if (effects.Count > 0)
        {
            outbox.Notify();
        }

        return BookingDto.From(booking, host, eventType);
    }
}

public sealed class RescheduleBookingCommandValidator : AbstractValidator<RescheduleBookingCommand>
{
    public RescheduleBookingCommandValidator()
    {
        RuleFor(c => c.Start).IsStart().OverridePropertyName("start");
        RuleFor(c => c.ReschedulingReason).MaximumLength(BookingInput.MaxReasonLength).OverridePropertyName("reschedulingReason");
    }
}
