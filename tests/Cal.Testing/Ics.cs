namespace Cal.Testing;

/// <summary>
/// The one way tests write iCalendar text: a VCALENDAR (with a PRODID, and a name when given) around content lines and
/// components, and VEVENTs with their UID and a DTSTAMP. Line endings become CRLF and a last line break is added, so a test
/// writes the lines that matter to it, in any layout. (Tests of the checker's grammar write their exact bytes instead.)
/// </summary>
public static class Ics
{
    public const string Head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Tests//EN\r\n";

    public const string Tail = "END:VCALENDAR\r\n";

    /// <summary>A calendar of <paramref name="content"/>: property lines, components (<see cref="Event"/>), or both.</summary>
    public static string Calendar(params string[] content) => Head + string.Concat(content.Select(Lines)) + Tail;

    /// <summary>A calendar with <c>X-WR-CALNAME:<paramref name="name"/></c>, the name cal.com lists it by.</summary>
    public static string NamedCalendar(string name, params string[] content) => Calendar([$"X-WR-CALNAME:{name}", .. content]);

    /// <summary>A VEVENT with its <c>UID</c>, a <c>DTSTAMP</c> and <paramref name="lines"/> (DTSTART, RRULE, ...).</summary>
    public static string Event(string uid, params string[] lines) =>
        $"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n" + string.Concat(lines.Select(Lines)) + "END:VEVENT\r\n";

    /// <summary>A one-event calendar: the event from <paramref name="start"/> to <paramref name="end"/> (UTC).</summary>
    public static string OneEvent(string uid, DateTimeOffset start, DateTimeOffset end, params string[] lines) =>
        Calendar(Event(uid, [$"DTSTART:{Utc(start)}", $"DTEND:{Utc(end)}", .. lines]));

    /// <summary>An instant as a UTC DATE-TIME (<c>20260105T090000Z</c>).</summary>
    public static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Lines(string text)
    {
        var crlf = text.ReplaceLineEndings("\r\n");
        return crlf.Length == 0 || crlf.EndsWith("\r\n", StringComparison.Ordinal) ? crlf : crlf + "\r\n";
    }
}
