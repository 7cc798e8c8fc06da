using Cal.Application.Calendars.SelectedCalendars.Common;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.DeselectCalendar;

public sealed class DeselectCalendarCommandValidator : SelectionChangeValidator<DeselectCalendarCommand>;
