using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Ical.Net;

namespace Cal.Infrastructure.Ical;

/// <summary>
/// Judges a feed by its content with Ical.Net: it must begin with <c>BEGIN:VCALENDAR</c> and load
/// without error. Error messages never quote the feed's text, only the line number where it can be found.
/// </summary>
internal sealed class IcalNetCalendarParser : IIcsCalendarParser
{
    private static readonly char[] LeadingNoise = ['\uFEFF', ' ', '\t', '\r', '\n'];

    public IcsCheckResult Check(string content)
    {
        // Byte-order marks and blank space before the calendar are tolerated; Ical.Net would read them as a broken line.
        var calendarText = content.TrimStart(LeadingNoise);
        if (!calendarText.StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            return IcsCheckResult.Invalid(new FeedFailure(FeedFailureReason.NotIcalendar, "The response is not an iCalendar object (it does not begin with BEGIN:VCALENDAR)."));
        }

        try
        {
            var calendar = Calendar.Load(calendarText);
            if (calendar is null)
            {
                return IcsCheckResult.Invalid(new FeedFailure(FeedFailureReason.NotIcalendar, "The response holds no iCalendar object."));
            }

            var name = calendar.Properties["X-WR-CALNAME"]?.Value?.ToString();
            return IcsCheckResult.Valid(string.IsNullOrWhiteSpace(name) ? null : name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Hostile input may break the parser in any way; all of them mean the feed cannot be used.
            var line = ParseErrorLocator.LineOf(content, ex.Message);
            var where = line is null ? "" : $" at line {line}";
            return IcsCheckResult.Invalid(new FeedFailure(FeedFailureReason.ParseError, $"The iCalendar data could not be parsed{where}.", Line: line));
        }
    }
}
