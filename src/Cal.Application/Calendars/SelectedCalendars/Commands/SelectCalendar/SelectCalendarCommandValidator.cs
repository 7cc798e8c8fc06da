using Cal.Application.Calendars.SelectedCalendars.Common;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.SelectCalendar;

public sealed class SelectCalendarCommandValidator : SelectionChangeValidator<SelectCalendarCommand>;
