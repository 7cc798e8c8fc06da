using Cal.Application.Calendars.SelectedCalendars.Common;
using FluentValidation;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.SelectCalendar;

public sealed class SelectCalendarCommandValidator : AbstractValidator<SelectCalendarCommand>
{
    public SelectCalendarCommandValidator() => SelectionAccess.ApplyRules(this, c => c.Integration, c => c.ExternalId, c => c.CredentialId);
}
