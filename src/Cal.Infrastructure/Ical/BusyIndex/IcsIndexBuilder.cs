using System.Globalization;
using System.Runtime.CompilerServices;
using Cal.Infrastructure.Ical.Recurrence;
using Cal.Infrastructure.Ical.Zones;

namespace Cal.Infrastructure.Ical.BusyIndex;

/// <summary>A DATE or DATE-TIME as written: its value, and whether it is a date, UTC, or in a named zone (TZID) or floating.</summary>
internal readonly record struct RawTime(DateTime Value, bool IsDate, bool IsUtc, string? TzId);

/// <summary>What busy times need of one VEVENT, as read (zones not yet resolved: a VTIMEZONE may follow the events).</summary>
internal sealed class RawEvent
{
    public string? Uid { get; set; }

    public RawTime? Start { get; set; }

    public RawTime? End { get; set; }

    public (int Days, TimeSpan Exact)? Duration { get; set; }

    public List<RecurrenceRule>? Rules { get; set; }

    public List<(RawTime Start, RawTime? End)>? RDates { get; set; }

    public List<RawTime>? ExDates { get; set; }

    public RawTime? RecurrenceId { get; set; }

    public bool ThisAndFuture { get; set; }

    public bool Cancelled { get; set; }

    public bool Transparent { get; set; }

    public int Sequence { get; set; }

    /// <summary>A property this event needs could not be read (a garbage DTSTART): the event is left out and counted.</summary>
    public bool Broken { get; set; }
}

/// <summary>
/// What busy times need of one iCalendar object as read (events, VTIMEZONE definitions by TZID, <c>X-WR-TIMEZONE</c>),
/// before zones are resolved: a CalDAV calendar keeps one per resource and builds its index from all of them, so one
/// changed resource is read again alone.
/// </summary>
internal sealed record IcsParts(
    IReadOnlyList<RawEvent> Events,
    IReadOnlyDictionary<string, VTimeZoneDefinition> Zones,
    string? CalendarZone,
    int Skipped
)
{
    /// <summary>Approximate memory held (for a cache's size limit).</summary>
    public long EstimatedBytes => 128 + (Events.Count * 320L) + (Zones.Count * 1024L);

    /// <summary>
    /// One index over many objects' events, their zones merged as one feed's would be (the first definition of a TZID
    /// wins; the last <c>X-WR-TIMEZONE</c> given), so a calendar read resource by resource answers as the same objects
    /// read in one text.
    /// </summary>
    public static BusyTimeIndex Build(IEnumerable<IcsParts> parts, int year, ExpansionBudget budget)
    {
        var events = new List<RawEvent>();
        var zones = new Dictionary<string, VTimeZoneDefinition>(StringComparer.Ordinal);
        string? calendarZone = null;
        foreach (var part in parts)
        {
            events.AddRange(part.Events);
            foreach (var (id, zone) in part.Zones)
            {
                zones.TryAdd(id, zone);
            }

            calendarZone = part.CalendarZone ?? calendarZone;
        }

        return BusyTimeIndex.Create(events, new FeedZoneResolver(zones, calendarZone, year), budget);
    }
}

/// <summary>
/// Builds a <see cref="BusyTimeIndex"/> from the content lines of one feed as <see cref="IcsStreamingChecker"/> reads
/// them: one pass, keeping per event only what busy times need. Properties it cannot understand are skipped (an
/// unreadable RRULE leaves a single event; an unreadable DTSTART leaves out the event) and counted, never quoted.
/// </summary>
internal sealed class IcsIndexBuilder : IContentLineSink
{
    private readonly List<RawEvent> events = [];
    private readonly Dictionary<string, VTimeZoneDefinition> zones = new(StringComparer.Ordinal);
    private readonly Stack<Component> open = new();
    private RawEvent? currentEvent;
    private VTimeZoneDefinition? currentZone;
    private Observance? currentObservance;
    private string? calendarZone;

    /// <summary>Properties or events that could not be understood and were skipped.</summary>
    public int Skipped { get; private set; }

    private enum Component
    {
        Calendar,
        Event,
        TimeZone,
        Observance,
        Other,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    public void OnBegin(ReadOnlySpan<char> component)
    {
        var parent = open.Count == 0 ? (Component?)null : open.Peek();
        var kind = Component.Other;
        if (parent is null && component.Equals("VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            kind = Component.Calendar;
        }
        else if (parent == Component.Calendar && component.Equals("VEVENT", StringComparison.OrdinalIgnoreCase))
        {
            kind = Component.Event;
            currentEvent = new RawEvent();
        }
        else if (parent == Component.Calendar && component.Equals("VTIMEZONE", StringComparison.OrdinalIgnoreCase))
        {
            kind = Component.TimeZone;
            currentZone = new VTimeZoneDefinition("");
        }
        else if (
            parent == Component.TimeZone
            && (
                component.Equals("STANDARD", StringComparison.OrdinalIgnoreCase)
                || component.Equals("DAYLIGHT", StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            kind = Component.Observance;
            currentObservance = new Observance();
        }

        open.Push(kind);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    public void OnEnd(ReadOnlySpan<char> component)
    {
        if (open.Count == 0)
        {
            return;
        }

        switch (open.Pop())
        {
            case Component.Event when currentEvent is not null:
                if (currentEvent.Broken || currentEvent.Start is null)
                {
                    Skipped++;
                }
                else
                {
                    events.Add(currentEvent);
                }

                currentEvent = null;
                break;
            case Component.Observance when currentObservance is not null && currentZone is not null:
                if (currentObservance.OffsetTo is not null && currentZone.Observances.Count < VTimeZoneDefinition.MaxObservances)
                {
                    currentZone.Observances.Add(currentObservance);
                }

                currentObservance = null;
                break;
            case Component.TimeZone when currentZone is not null:
                if (currentZone.TzId.Length > 0 && currentZone.Observances.Count > 0)
                {
                    zones.TryAdd(currentZone.TzId, currentZone);
                }

                currentZone = null;
                break;
            default:
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    public void OnProperty(ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value)
    {
        if (open.Count == 0)
        {
            return;
        }

        switch (open.Peek())
        {
            case Component.Event when currentEvent is not null:
                OnEventProperty(currentEvent, name, parameters, value);
                break;
            case Component.Observance when currentObservance is not null:
                OnObservanceProperty(currentObservance, name, parameters, value);
                break;
            case Component.TimeZone when currentZone is not null && Is(name, "TZID"):
                currentZone.TzId = value.Trim().ToString();
                break;
            case Component.Calendar when Is(name, "X-WR-TIMEZONE"):
                calendarZone = value.Trim().ToString();
                break;
            default:
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    private void OnEventProperty(RawEvent e, ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value)
    {
        switch (name.Length > 0 ? char.ToUpperInvariant(name[0]) : ' ')
        {
            case 'U' when Is(name, "UID"):
                e.Uid = value.Trim().ToString();
                break;
            case 'D':
                OnTimeProperty(e, name, parameters, value);
                break;
            case 'R' or 'E':
                OnRecurrenceProperty(e, name, parameters, value);
                break;
            case 'S' when Is(name, "STATUS"):
                e.Cancelled = value.Trim().Equals("CANCELLED", StringComparison.OrdinalIgnoreCase);
                break;
            case 'S' when Is(name, "SEQUENCE"):
                _ = int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence);
                e.Sequence = sequence;
                break;
            case 'T' when Is(name, "TRANSP"):
                e.Transparent = value.Trim().Equals("TRANSPARENT", StringComparison.OrdinalIgnoreCase);
                break;
            default:
                break;
        }
    }

    /// <summary><c>DTSTART</c> (unreadable: the event is broken), <c>DTEND</c> and <c>DURATION</c> (unreadable: skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    private void OnTimeProperty(RawEvent e, ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value)
    {
        if (Is(name, "DTSTART"))
        {
            if (Time(parameters, value) is { } start)
            {
                e.Start = start;
            }
            else
            {
                e.Broken = true;
            }
        }
        else if (Is(name, "DTEND"))
        {
            if (Time(parameters, value) is { } end)
            {
                e.End = end;
            }
            else
            {
                Skipped++;
            }
        }
        else if (Is(name, "DURATION"))
        {
            if (IcalValues.TryParseDuration(value, out var days, out var exact))
            {
                e.Duration = (days, exact);
            }
            else
            {
                Skipped++;
            }
        }
    }

    /// <summary><c>RRULE</c>, <c>RDATE</c>, <c>EXDATE</c> and <c>RECURRENCE-ID</c> (an override of an unknown instance is broken:
    /// neither the override nor a guess).</summary>
    private void OnRecurrenceProperty(RawEvent e, ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value)
    {
        if (Is(name, "RRULE"))
        {
            if (RecurrenceRule.Parse(value) is { } rule)
            {
                (e.Rules ??= []).Add(rule);
            }
            else
            {
                Skipped++;
            }
        }
        else if (Is(name, "RDATE"))
        {
            foreach (var item in Times(parameters, value, allowPeriods: true))
            {
                (e.RDates ??= []).Add(item);
            }
        }
        else if (Is(name, "EXDATE"))
        {
            foreach (var item in Times(parameters, value, allowPeriods: false))
            {
                (e.ExDates ??= []).Add(item.Start);
            }
        }
        else if (Is(name, "RECURRENCE-ID"))
        {
            if (Time(parameters, value) is { } recurrenceId)
            {
                e.RecurrenceId = recurrenceId;
                e.ThisAndFuture = ContentLine.Parameter(parameters, "RANGE").Equals("THISANDFUTURE", StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                e.Broken = true;
            }
        }
    }

    private void OnObservanceProperty(Observance o, ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value)
    {
        if (Is(name, "DTSTART") && IcalValues.TryParseDateOrDateTime(value, out var start, out _, out _))
        {
            o.Start = start;
        }
        else if (Is(name, "TZOFFSETFROM") && IcalValues.TryParseOffset(value, out var from))
        {
            o.OffsetFrom = from;
        }
        else if (Is(name, "TZOFFSETTO") && IcalValues.TryParseOffset(value, out var to))
        {
            o.OffsetTo = to;
        }
        else if (Is(name, "RRULE"))
        {
            o.Rule = RecurrenceRule.Parse(value);
        }
        else if (Is(name, "RDATE") && o.RDates.Count < VTimeZoneDefinition.MaxObservances)
        {
            foreach (var item in Times(parameters, value, allowPeriods: true))
            {
                o.RDates.Add(item.Start.Value);
            }
        }
    }

    /// <summary>The index of everything read; <paramref name="year"/> (now's) picks the years a VTIMEZONE is compared with IANA zones
    /// over.</summary>
    public BusyTimeIndex Build(int year, ExpansionBudget budget) =>
        BusyTimeIndex.Create(events, new FeedZoneResolver(zones, calendarZone, year), budget);

    /// <summary>What was read, kept apart for an index built later from many objects (a CalDAV calendar's, one per resource).</summary>
    public IcsParts Parts() => new(events, zones, calendarZone, Skipped);

    private static bool Is(ReadOnlySpan<char> name, string expected) => name.Equals(expected, StringComparison.OrdinalIgnoreCase);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    private RawTime? Time(ReadOnlySpan<char> parameters, ReadOnlySpan<char> value)
    {
        if (!IcalValues.TryParseDateOrDateTime(value, out var time, out var isDate, out var isUtc))
        {
            return null;
        }

        var tzId = ContentLine.Parameter(parameters, "TZID");
        return new RawTime(time, isDate, isUtc, isUtc || isDate || tzId.IsEmpty ? null : Intern(tzId));
    }

    /// <summary>A comma-separated list of DATE, DATE-TIME or (RDATE) PERIOD values; unreadable items are skipped and counted.</summary>
    private List<(RawTime Start, RawTime? End)> Times(ReadOnlySpan<char> parameters, ReadOnlySpan<char> value, bool allowPeriods)
    {
        var items = new List<(RawTime, RawTime?)>();
        var tzId = ContentLine.Parameter(parameters, "TZID");
        var zone = tzId.IsEmpty ? null : Intern(tzId);
        foreach (var range in value.Split(','))
        {
            var item = value[range].Trim();
            if (item.IsEmpty)
            {
                continue;
            }

            var slash = item.IndexOf('/');
            var startText = slash >= 0 ? item[..slash] : item;
            if (!IcalValues.TryParseDateOrDateTime(startText, out var start, out var isDate, out var isUtc))
            {
                Skipped++;
                continue;
            }

            var startTime = new RawTime(start, isDate, isUtc, isUtc || isDate ? null : zone);
            RawTime? endTime = null;
            if (slash >= 0 && allowPeriods)
            {
                var endText = item[(slash + 1)..];
                if (IcalValues.TryParseDateOrDateTime(endText, out var end, out var endIsDate, out var endIsUtc))
                {
                    endTime = new RawTime(end, endIsDate, endIsUtc, endIsUtc || endIsDate ? null : zone);
                }
                else if (IcalValues.TryParseDuration(endText, out var days, out var exact))
                {
                    endTime = startTime with { Value = start.AddDays(days).Add(exact) };
                }
            }

            items.Add((startTime, endTime));
        }

        return items;
    }

    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    private string Intern(ReadOnlySpan<char> tzId)
    {
        var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(tzId, out var known))
        {
            return known;
        }

        var text = tzId.ToString();
        names[text] = text;
        return text;
    }
}
