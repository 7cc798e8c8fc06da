using Cal.Application.Bookings.Common;
using FluentValidation;

namespace Cal.Application.Slots.Commands.ReserveSlot;

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
