using Cal.Application.Calendars.Common;
using FluentValidation;

namespace Cal.Application.Calendars.Commands.DisconnectCalendar;

public sealed class DisconnectCalendarCommandValidator : AbstractValidator<DisconnectCalendarCommand>
{
    public DisconnectCalendarCommandValidator()
    {
        RuleFor(c => c.Calendar).MustNameACalendar();
        RuleFor(c => c.CredentialId)
            .Cascade(CascadeMode.Stop)
            .NotNull()
            .WithMessage("is required: the credential's id")
            .GreaterThan(0)
            .OverridePropertyName("id");
    }
}
