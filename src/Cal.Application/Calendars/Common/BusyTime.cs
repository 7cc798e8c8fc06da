namespace Cal.Application.Calendars.Common;

/// <summary>One busy interval and the app id of the calendar it came from (cal.com's <c>source</c>, e.g. <c>ics-feed</c>).</summary>
public sealed record BusyTime(DateTimeOffset Start, DateTimeOffset End, string Source);
