using Cal.Application.Calendars.SelectedCalendars.Common;
using FluentValidation;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.DeselectCalendar;

public sealed class DeselectCalendarCommandValidator : AbstractValidator<DeselectCalendarCommand>
{
    public DeselectCalendarCommandValidator() =>
        SelectionAccess.ApplyRules(this, c => c.Integration, c => c.ExternalId, c => c.CredentialId);
}
