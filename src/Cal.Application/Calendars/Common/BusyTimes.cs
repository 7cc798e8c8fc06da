using System.Diagnostics;
using Cal.Domain.Common;

namespace Cal.Application.Calendars.Common;

/// <summary>A busy period, in UTC, half-open: [Start, End). A value: a year of a large feed is hundreds of thousands of them.</summary>
public sealed record BusyInterval(DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// The window busy times are asked for, [From, To) in UTC, and the time zone in which all-day and floating
/// times are read (cal.com's <c>timeZone</c> / <c>loggedInUsersTz</c>, an IANA zone), resolved once where the
/// request came in (<see cref="BusyWindowInput"/>).
/// </summary>
public sealed record BusyWindow(DateTimeOffset From, DateTimeOffset To, IanaTimeZone Zone);

/// <summary>
/// How much work one request's busy times may cost: occurrences per calendar, and time counted from
/// <see cref="StartedAt"/> (a <see cref="Stopwatch"/> timestamp taken when the request's work began, so time spent
/// waiting or fetching counts too). Past either, the answer is cut short, and says so.
/// </summary>
public sealed record BusyTimeBudget(int MaxOccurrences, TimeSpan MaxDuration)
{
    /// <summary>The configured defaults (<see cref="BusyTimesOptions"/>), for callers without options.</summary>
    public static BusyTimeBudget Default { get; } = new BusyTimesOptions().Budget;

    public long StartedAt { get; init; } = Stopwatch.GetTimestamp();

    /// <summary>The <see cref="Stopwatch"/> timestamp after which work stops.</summary>
    public long Deadline =>
        MaxDuration >= TimeSpan.FromDays(1) ? long.MaxValue : StartedAt + (long)(MaxDuration.TotalSeconds * Stopwatch.Frequency);

    /// <summary>This budget, its clock started now.</summary>
    public BusyTimeBudget StartingNow() => this with { StartedAt = Stopwatch.GetTimestamp() };
}

/// <summary>The busy intervals of one calendar, sorted by start; <see cref="Truncated"/> when the budget ran out first.</summary>
public sealed record BusyTimeRead(IReadOnlyList<BusyInterval> Intervals, bool Truncated);

/// <summary>
/// One calendar's events, read once into a form that answers any window quickly (an ICS feed's version, indexed
/// when it was fetched). Thread-safe: many requests read one index at once.
/// </summary>
public interface IBusyTimeIndex
{
    /// <summary>Events (and overrides) the index holds.</summary>
    int EventCount { get; }

    /// <summary>Every busy interval overlapping the window, in UTC, sorted; bounded by <paramref name="budget"/>, observing
    /// <paramref name="cancellationToken"/>.</summary>
    BusyTimeRead Read(BusyWindow window, BusyTimeBudget budget, CancellationToken cancellationToken);
}
