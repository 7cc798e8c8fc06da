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
    /// Every event's occurrences from <paramref name="from"/>, merged in time order, with the semantics of Ical.Net's
    /// <c>Calendar.GetOccurrences</c> (an occurrence replaced by a RECURRENCE-ID override of the same UID is left out;
    /// of several overrides of one instance the highest SEQUENCE, else the last, wins) but not its merge, which chains
    /// one merging enumerator per event: with 1,000 recurring events that merge cost ~1.2 s of a 1.4 s read, against
    /// ~0.2 s for the events' own expansion (benchmarks/README.md). Here a priority queue holds one cursor per event.
    /// An event Ical.Net cannot evaluate (a malformed date) is dropped, and the rest read as usual.
    /// </summary>
    private static IEnumerable<Occurrence> Occurrences(Calendar calendar, CalDateTime from, CalDateTime to)
    {
        var overrides = Overrides(calendar.Events);
        // Ordered by the start's UTC ticks, computed once per occurrence: Period.CompareTo converts both sides to a
        // zone on every comparison, which cost more than the expansion itself.
        var queue = new PriorityQueue<IEnumerator<Occurrence>, long>();
        try
        {
            foreach (var calendarEvent in calendar.Events)
            {
                if (First(calendarEvent, from, to, overrides) is { } cursor)
                {
                    queue.Enqueue(cursor, OrderKey(cursor.Current));
                }
            }

            while (queue.TryDequeue(out var cursor, out _))
            {
                yield return cursor.Current;
                if (cursor.MoveNext())
                {
                    queue.Enqueue(cursor, OrderKey(cursor.Current));
                }
                else
                {
                    cursor.Dispose();
                }
            }
        }
        finally
        {
            while (queue.TryDequeue(out var cursor, out _))
            {
                cursor.Dispose();
            }
        }
    }

    /// <summary>The event's occurrences before <paramref name="to"/> not replaced by an override, positioned on the first; null when there are none or the event cannot be evaluated.</summary>
    private static IEnumerator<Occurrence>? First(CalendarEvent calendarEvent, CalDateTime from, CalDateTime to, Dictionary<(string Uid, DateTime RecurrenceId), CalendarEvent> overrides)
    {
        IEnumerator<Occurrence>? cursor = null;
        try
        {
            if (calendarEvent.DtStart is null)
            {
                return null;
            }

            cursor = calendarEvent.GetOccurrences(from).TakeWhileBefore(to).Where(o => IsUnmodified(o, calendarEvent, overrides)).GetEnumerator();
            if (cursor.MoveNext())
            {
                return cursor;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // dropped, as Ical.Net cannot evaluate it
        }

        cursor?.Dispose();
        return null;
    }

    /// <summary>(UID, RECURRENCE-ID) → the override that replaces that instance: the highest SEQUENCE, else the last in the feed (as Ical.Net decides).</summary>
    private static Dictionary<(string Uid, DateTime RecurrenceId), CalendarEvent> Overrides(IEnumerable<CalendarEvent> events)
    {
        var groups = new Dictionary<(string Uid, DateTime RecurrenceId), List<CalendarEvent>>();
        foreach (var calendarEvent in events)
        {
            if (calendarEvent is { Uid: { } uid, RecurrenceIdentifier: { Range: RecurrenceRange.ThisInstance, StartTime: { } instance } })
            {
                var key = (uid, instance.Value);
                (groups.TryGetValue(key, out var group) ? group : groups[key] = []).Add(calendarEvent);
            }
        }

        var overrides = new Dictionary<(string Uid, DateTime RecurrenceId), CalendarEvent>(groups.Count);
        foreach (var (key, group) in groups)
        {
            overrides[key] = group.Where(e => e.Sequence > 0).OrderByDescending(e => e.Sequence).FirstOrDefault() ?? group[^1];
        }

        return overrides;
    }

    private static bool IsUnmodified(Occurrence occurrence, CalendarEvent source, Dictionary<(string Uid, DateTime RecurrenceId), CalendarEvent> overrides) =>
        source switch
        {
            { Uid: { } uid, RecurrenceIdentifier: { Range: RecurrenceRange.ThisInstance, StartTime: { } instance } } =>
                overrides.TryGetValue((uid, instance.Value), out var winner) && ReferenceEquals(winner, source),
            { Uid: { } uid } => !overrides.ContainsKey((uid, occurrence.Period.StartTime.Value)),
            _ => true,
        };

    private static long OrderKey(Occurrence occurrence) => occurrence.Period.StartTime.AsUtc.Ticks;

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
