using AutoMapper;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Outbox;
using FluentValidation;
using Mediator;

namespace Cal.Application.Bookings.Commands.CancelBooking;

/// <summary>cal.com's <c>POST /v2/bookings/{uid}/cancel</c>: the booking cancelled, its calendar event deleted (a side effect), its slot
/// offered again at once.</summary>
public sealed record CancelBookingCommand(string Uid, string? CancellationReason, int? CallerUserId, string? CallerEmail)
    : ICommand<BookingDto>,
        IValidated;

public sealed class CancelBookingCommandHandler(
    BookingAccess access,
    IBookingStore store,
    BookingSideEffects sideEffects,
    IOutboxSignal outbox,
    TimeProvider time,
    IMapper mapper
) : ICommandHandler<CancelBookingCommand, BookingDto>
{
    public async ValueTask<BookingDto> Handle(CancelBookingCommand command, CancellationToken cancellationToken)
    {
        var (booking, host, eventType) = await access.FindAsync(command.Uid, command.CallerUserId, cancellationToken);
        if (!booking.IsAccepted || eventType is null)
        {
            throw new BadRequestException($"Can't cancel booking with uid={booking.Uid} because it has been cancelled already.");
        }

        // By the host when the host asks; otherwise by whoever holds the uid, the attendee's link.
        booking.Cancel(command.CancellationReason?.Trim(), command.CallerEmail ?? booking.AttendeeEmail, time.GetUtcNow());
        var effects = await sideEffects.ForAsync(BookingChange.Cancelled, booking, null, host, eventType, cancellationToken);
        if (!await store.CancelAsync(booking, effects, cancellationToken))
        {
            throw new BadRequestException($"Can't cancel booking with uid={booking.Uid} because it has been cancelled already.");
        }

        if (effects.Count > 0)
        {
            outbox.Notify();
        }

        return mapper.Map<BookingDto>(new HostedBooking(booking, host, eventType));
    }
}

public sealed class CancelBookingCommandValidator : AbstractValidator<CancelBookingCommand>
{
    public CancelBookingCommandValidator() =>
        RuleFor(c => c.CancellationReason).MaximumLength(BookingInput.MaxReasonLength).OverridePropertyName("cancellationReason");
}
