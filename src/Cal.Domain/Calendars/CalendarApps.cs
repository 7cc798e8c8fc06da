namespace Cal.Domain.Calendars;

/// <summary>cal.com's identifiers of the calendar apps Cal serves, and the <c>{calendar}</c> route names that pick them.</summary>
public static class CalendarApps
{
    public static class IcsFeed
    {
        public const string Route = "ics-feed";
        public const string Type = "ics-feed_calendar";
        public const string AppId = "ics-feed";
    }

    /// <summary>Apple iCloud calendars (CalDAV at <c>caldav.icloud.com</c>).</summary>
    public static class Apple
    {
        public const string Route = "apple";
        public const string Type = "apple_calendar";
        public const string AppId = "apple-calendar";
    }

    /// <summary>Any CalDAV server (Nextcloud, Fastmail, Radicale, mailbox.org, ...).</summary>
    public static class CalDav
    {
        public const string Route = "caldav";
        public const string Type = "caldav_calendar";
        public const string AppId = "caldav-calendar";
    }

    /// <summary>The credential type a <c>{calendar}</c> route segment names (<c>ics-feed</c>, <c>apple</c>, <c>caldav</c>), or
    /// null.</summary>
    public static string? TypeOfRoute(string? calendar) =>
        calendar?.ToLowerInvariant() switch
        {
            IcsFeed.Route => IcsFeed.Type,
            Apple.Route => Apple.Type,
            CalDav.Route => CalDav.Type,
            _ => null,
        };

    /// <summary>The <c>{calendar}</c> route names, for error messages.</summary>
    public static IReadOnlyList<string> Routes { get; } = [IcsFeed.Route, Apple.Route, CalDav.Route];
}
