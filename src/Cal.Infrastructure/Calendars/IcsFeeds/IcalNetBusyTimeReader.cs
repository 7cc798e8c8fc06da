using System.Diagnostics;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.Queries.GetBusyTimes;
using Cal.Application.Common.Interfaces;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Busy times with Ical.Net: every occurrence overlapping the window, recurrences expanded lazily and in
/// time order (RRULE of any frequency, RDATE, EXDATE, RECURRENCE-ID overrides), cancelled and transparent
/// instances left out, floating and all-day times read in the window's zone, TZIDs resolved by name or through
/// the feed's VTIMEZONE (<see cref="FeedTimeZones"/>). Work stops at the budget.
/// </summary>
internal sealed class IcalNetBusyTimeReader : IIcsBusyTimeReader
{
    /// <summary>Ical.Net is asked for a day more on each side; the window is then applied exactly, after floating and all-day times are placed in the user's zone.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromDays(1);

    static IcalNetBusyTimeReader() => LenientTimeZones.Install();

    public async Task<BusyTimeRead> ReadAsync(TextReader feed, BusyWindow window, BusyTimeBudget budget, CancellationToken cancellationToken)
    {
        var text = await feed.ReadToEndAsync(cancellationToken);

        // TZIDs defined only by the feed's own VTIMEZONE are matched to an IANA zone for this read.
        using var feedZones = LenientTimeZones.UseFeedZones(FeedTimeZones.Match(text, window.From.Year, LenientTimeZones.IsKnown));
        var calendars = CalendarCollection.Load(text);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(window.TimeZone);
        var from = new CalDateTime(window.From.UtcDateTime - Margin, CalDateTime.UtcTzId);
        var to = new CalDateTime(window.To.UtcDateTime + Margin, CalDateTime.UtcTzId);
        var clock = Stopwatch.StartNew();
        var intervals = new List<BusyInterval>();
        var examined = 0;

        foreach (var calendar in calendars)
        {
            foreach (var occurrence in Occurrences(calendar, from, to))
            {
                if (++examined > budget.MaxOccurrences || clock.Elapsed > budget.MaxDuration)
                {
                    return new BusyTimeRead(Sorted(intervals), Truncated: true);
                }

                cancellationToken.ThrowIfCancellationRequested();
                var source = (CalendarEvent)occurrence.Source;
                if (IsBusy(source) && Interval(occurrence.Period, zone) is { } interval && Overlaps(interval, window))
                {
                    intervals.Add(interval);
                }
            }
        }

        return new BusyTimeRead(Sorted(intervals), Truncated: false);
    }

    /// <summary>
    /// Ical.Net evaluates every event before yielding the first occurrence, so one event it cannot evaluate (a
    /// malformed date) would fail the whole feed: such events are dropped, and the rest read as usual.
    /// </summary>
    private static IEnumerable<Occurrence> Occurrences(Calendar calendar, CalDateTime from, CalDateTime to)
    {
        IEnumerator<Occurrence> first;
        try
        {
            first = calendar.GetOccurrences<CalendarEvent>(from).TakeWhileBefore(to).GetEnumerator();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var broken in calendar.Events.Where(e => !CanEvaluate(e, from)).ToList())
            {
                calendar.Events.Remove(broken);
            }

            first = calendar.GetOccurrences<CalendarEvent>(from).TakeWhileBefore(to).GetEnumerator();
        }

        using (first)
        {
            while (first.MoveNext())
            {
                yield return first.Current;
            }
        }
    }

    private static bool CanEvaluate(CalendarEvent calendarEvent, CalDateTime from)
    {
        try
        {
            _ = calendarEvent.GetOccurrences(from).Take(1).ToList();
            return calendarEvent.DtStart is not null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>Cancelled instances (an override with STATUS:CANCELLED included) and TRANSP:TRANSPARENT events do not block time.</summary>
    private static bool IsBusy(CalendarEvent source) =>
        !string.Equals(source.Status, EventStatus.Cancelled, StringComparison.OrdinalIgnoreCase)
        && !string.Equals(source.Transparency, TransparencyType.Transparent, StringComparison.OrdinalIgnoreCase);

    private static BusyInterval? Interval(Period period, TimeZoneInfo zone)
    {
        var start = Instant(period.StartTime, zone);
        var end = period.EffectiveEndTime is { } e ? Instant(e, zone) : start;
        return new BusyInterval(start, end < start ? start : end); // a negative DURATION is read as zero length
    }

    /// <summary>All-day dates and floating times are wall times in the user's zone; the rest are instants.</summary>
    private static DateTimeOffset Instant(CalDateTime time, TimeZoneInfo zone) =>
        !time.HasTime || time.IsFloating
            ? BusyWindowParser.AtWallTime(time.Value, zone)
            : new DateTimeOffset(time.AsUtc, TimeSpan.Zero);

    /// <summary>[start, end) overlaps [From, To); a zero-length event counts when it is inside the window.</summary>
    private static bool Overlaps(BusyInterval interval, BusyWindow window) =>
        interval.Start < window.To && (interval.End > window.From || (interval.Start == interval.End && interval.Start >= window.From));

    private static List<BusyInterval> Sorted(List<BusyInterval> intervals)
    {
        intervals.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return intervals;
    }
}
