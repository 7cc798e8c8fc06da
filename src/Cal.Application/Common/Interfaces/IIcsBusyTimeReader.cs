using Cal.Application.Calendars.Common;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Reads an iCalendar feed and returns every busy interval overlapping a window: recurrences expanded
/// (RRULE of any frequency, RDATE, EXDATE, RECURRENCE-ID overrides), TZID resolved through the feed's
/// VTIMEZONE, the IANA database or Windows zone names, all-day and floating times read in the window's
/// time zone, DURATION honoured, cancelled and transparent events left out.
/// </summary>
public interface IIcsBusyTimeReader
{
    Task<BusyTimeRead> ReadAsync(TextReader feed, BusyWindow window, BusyTimeBudget budget, CancellationToken cancellationToken);
}
