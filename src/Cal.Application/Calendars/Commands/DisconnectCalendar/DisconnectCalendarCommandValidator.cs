using Cal.Domain.Calendars;
using FluentValidation;

namespace Cal.Application.Calendars.Commands.DisconnectCalendar;

public sealed class DisconnectCalendarCommandValidator : AbstractValidator<DisconnectCalendarCommand>
{
    public DisconnectCalendarCommandValidator()
    {
        RuleFor(c => c.Calendar)
            .Must(c => CalendarApps.TypeOfRoute(c) is not null)
            .WithMessage(c => $"'{c.Calendar}' is not a calendar Cal connects; use one of {string.Join(", ", CalendarApps.Routes)}")
            .OverridePropertyName("calendar");
        RuleFor(c => c.CredentialId)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required: the credential's id")
            .GreaterThan(0)
            .OverridePropertyName("id");
    }
}
