using Cal.Application.Bookings.Common;
using Cal.Application.Common;
using Cal.Domain.Common;
using FluentValidation;

namespace Cal.Application.Bookings.Commands.CreateBooking;

/// <summary>cal.com's create-booking rules: a start, an event type, an attendee with a name, an e-mail and an IANA zone; at most 10 guests;
/// bounded metadata.</summary>
public sealed class CreateBookingCommandValidator : AbstractValidator<CreateBookingCommand>
{
    public CreateBookingCommandValidator()
    {
        RuleFor(c => c.Start).IsStart().OverridePropertyName("start");
        RuleFor(c => c.EventTypeId)
            .NotNull()
            .When(c => string.IsNullOrWhiteSpace(c.EventTypeSlug) || string.IsNullOrWhiteSpace(c.Username))
            .WithMessage("is required, or eventTypeSlug with username")
            .OverridePropertyName("eventTypeId");
        RuleFor(c => c.EventTypeId).GreaterThan(0).OverridePropertyName("eventTypeId");
        RuleFor(c => c.EventTypeSlug).MaximumLength(128).OverridePropertyName("eventTypeSlug");
        RuleFor(c => c.Username).MaximumLength(320).OverridePropertyName("username");
        RuleFor(c => c.Attendee).NotNull().WithMessage("is required: name, email and timeZone").OverridePropertyName("attendee");
        When(
            c => c.Attendee is not null,
            () =>
            {
                RuleFor(c => c.Attendee!.Name)
                    .Must(BookingInput.IsName)
                    .WithMessage($"is required, at most {BookingInput.MaxNameLength} characters")
                    .OverridePropertyName("attendee.name");
                RuleFor(c => c.Attendee!.Email)
                    .Must(BookingInput.IsEmail)
                    .WithMessage("must be an e-mail address")
                    .OverridePropertyName("attendee.email");
                RuleFor(c => c.Attendee!.TimeZone)
                    .NotNull()
                    .WithMessage(IanaTimeZone.InvalidMessage)
                    .IsIanaTimeZone()
                    .OverridePropertyName("attendee.timeZone");
                RuleFor(c => c.Attendee!.Language)
                    .Matches("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
                    .When(c => c.Attendee!.Language is not null)
                    .WithMessage("must be a language code such as en or pt-BR")
                    .OverridePropertyName("attendee.language");
            }
        );
        RuleFor(c => c.Guests)
            .Must(g => g is null || g.Count <= BookingInput.MaxGuests)
            .WithMessage($"must have at most {BookingInput.MaxGuests} e-mails")
            .OverridePropertyName("guests");
        RuleForEach(c => c.Guests).Must(BookingInput.IsEmail).WithMessage("must be an e-mail address").OverridePropertyName("guests");
        RuleFor(c => c.Metadata)
            .Custom(
                (metadata, context) =>
                {
                    if (BookingInput.MetadataProblem(metadata) is { } problem)
                    {
                        context.AddFailure("metadata", problem);
                    }
                }
            );
        RuleFor(c => c.LengthInMinutes).InclusiveBetween(1, 1440).OverridePropertyName("lengthInMinutes");
        RuleFor(c => c.ReservedSlotUid).MaximumLength(64).OverridePropertyName("reservedSlotUid");
        RuleFor(c => c.IdempotencyKey)
            .Must(k => k is null || (k.Length is > 0 and <= 255 && !k.Any(char.IsControl)))
            .WithMessage("must be 1 to 255 characters")
            .OverridePropertyName("Idempotency-Key");
    }
}
