namespace Cal.Application.Calendars.Common;

/// <summary>A busy period, in UTC, half-open: [Start, End).</summary>
public sealed record BusyInterval(DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// The window busy times are asked for, [From, To) in UTC, and the time zone in which all-day and floating
/// times are read (cal.com's <c>loggedInUsersTz</c>, an IANA id).
/// </summary>
public sealed record BusyWindow(DateTimeOffset From, DateTimeOffset To, string TimeZone);

/// <summary>How much work one feed may cost in one request; past it the answer is cut short, and says so.</summary>
public sealed record BusyTimeBudget(int MaxOccurrences, TimeSpan MaxDuration)
{
    public static BusyTimeBudget Default { get; } = new(100_000, TimeSpan.FromSeconds(2));
}

/// <summary>The busy intervals of one feed, sorted by start; <see cref="Truncated"/> when the budget ran out first.</summary>
public sealed record BusyTimeRead(IReadOnlyList<BusyInterval> Intervals, bool Truncated);
