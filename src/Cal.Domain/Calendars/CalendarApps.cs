namespace Cal.Domain.Calendars;

/// <summary>cal.com's identifiers for the ICS feed calendar app.</summary>
public static class CalendarApps
{
    public static class IcsFeed
    {
        public const string Type = "ics-feed_calendar";
        public const string AppId = "ics-feed";
    }
}
