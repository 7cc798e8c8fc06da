using System.Runtime.CompilerServices;
using Cal.Application.Calendars.Common;
using Cal.Infrastructure.Ical.Recurrence;
using Cal.Infrastructure.Ical.Zones;
using NodaTime;
using NodaTime.TimeZones;

namespace Cal.Infrastructure.Ical.BusyIndex;

/// <summary>
/// One feed version's busy-time model, built once when the feed is fetched (<see cref="IcsIndexBuilder"/>):
/// single events as sorted arrays of start/end ticks (a window is a binary search), recurring series with their
/// rules parsed, zones resolved, COUNT turned into a last instance, exclusions (EXDATE and overridden instances)
/// keyed by wall time in the series' zone. Bounded series of modest size are expanded here into the single arrays;
/// the rest are placed in 32-day buckets by their span, and a request expands only those whose span meets its
/// window, from the window on.
/// </summary>
internal sealed class BusyTimeIndex : IBusyTimeIndex
{
    private static readonly ZoneLocalMappingResolver Rfc5545 = Resolvers.CreateMappingResolver(
        Resolvers.ReturnEarlier,
        Resolvers.ReturnForwardShifted
    );
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;
    private const long Day = TimeSpan.TicksPerDay;
    private const long LongEvent = 7 * Day;
    private const long BucketTicks = 32 * Day;
    private const int MaxBucketsPerSeries = 256;
    private const long WallMargin = 15 * TimeSpan.TicksPerHour;

    /// <summary>Instances of one bounded series expanded at indexing; a series with more stays a rule, expanded per request.</summary>
    private const int MaxMaterialised = 5_000;

    private readonly Singles fixedSingles;
    private readonly Singles floatingSingles;
    private readonly Series[] series;
    private readonly Dictionary<long, int[]> buckets;
    private readonly int[] unbounded;

    private BusyTimeIndex(Singles fixedSingles, Singles floatingSingles, Series[] series, int eventCount, int unresolved)
    {
        this.fixedSingles = fixedSingles;
        this.floatingSingles = floatingSingles;
        this.series = series;
        EventCount = eventCount;
        UnresolvedCounts = unresolved;
        var byBucket = new Dictionary<long, List<int>>();
        var open = new List<int>();
        for (var i = 0; i < series.Length; i++)
        {
            var s = series[i];
            if (s.LastTicks == long.MaxValue || (s.LastTicks - s.FirstTicks) / BucketTicks > MaxBucketsPerSeries)
            {
                open.Add(i);
                continue;
            }

            for (var b = s.FirstTicks / BucketTicks; b <= s.LastTicks / BucketTicks; b++)
            {
                (byBucket.TryGetValue(b, out var list) ? list : byBucket[b] = []).Add(i);
            }
        }

        buckets = byBucket.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        unbounded = [.. open];
        EstimatedBytes =
            256
            + fixedSingles.Bytes
            + floatingSingles.Bytes
            + series.Sum(s => s.Bytes)
            + (byBucket.Sum(kv => kv.Value.Count) * 4L)
            + (open.Count * 4L);
    }

    public int EventCount { get; }

    /// <summary>Series whose COUNT could not be resolved at indexing (a hostile count); a request walks them from their start within its
    /// budget.</summary>
    public int UnresolvedCounts { get; }

    /// <summary>Approximate memory held, for the cache's size limit.</summary>
    public long EstimatedBytes { get; }

    public BusyTimeRead Read(BusyWindow window, BusyTimeBudget budget, CancellationToken cancellationToken)
    {
        var spend = new ExpansionBudget(budget.MaxOccurrences, budget.Deadline, cancellationToken);
        var from = window.From.UtcTicks;
        var to = window.To.UtcTicks;
        var requestZone = window.Zone.Tzdb;
        var intervals = new List<BusyInterval>();

        fixedSingles.Read(from, to, null, spend, intervals);
        floatingSingles.Read(from, to, requestZone, spend, intervals);

        var visited = new bool[series.Length];
        var occurrences = new List<DateTime>();
        foreach (var i in unbounded)
        {
            visited[i] = true;
            series[i].Read(from, to, requestZone, spend, occurrences, intervals);
        }

        for (var b = (from - Day) / BucketTicks; b <= (to + Day) / BucketTicks && !spend.Exhausted; b++)
        {
            if (!buckets.TryGetValue(b, out var members))
            {
                continue;
            }

            foreach (var i in members)
            {
                if (!visited[i])
                {
                    visited[i] = true;
                    series[i].Read(from, to, requestZone, spend, occurrences, intervals);
                }
            }
        }

        intervals.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return new BusyTimeRead(intervals, spend.Exhausted);
    }

    /// <summary>
    /// A wall time in a zone as UTC ticks (RFC 5545: a skipped time moves forward by the gap, a repeated one is the
    /// first). Away from a transition, which is nearly always, one offset lookup in the zone's cached intervals answers
    /// without allocating; near one, NodaTime's resolver decides.
    /// </summary>
    internal static long ToUtcTicks(DateTime wall, DateTimeZone? zone)
    {
        if (zone is null || ReferenceEquals(zone, DateTimeZone.Utc))
        {
            return wall.Ticks;
        }

        var local = wall.Ticks - EpochTicks;
        if (local > MinUnixTicks && local < MaxUnixTicks)
        {
            var interval = zone.GetZoneInterval(Instant.FromUnixTimeTicks(local));
            var guess = local - interval.WallOffset.Ticks;
            var around = zone.GetZoneInterval(Instant.FromUnixTimeTicks(guess));
            if (around.WallOffset == interval.WallOffset && FarFromEdges(around, guess))
            {
                return guess + EpochTicks;
            }
        }

        return LocalDateTime.FromDateTime(wall).InZone(zone, Rfc5545).ToInstant().ToUnixTimeTicks() + EpochTicks;
    }

    private static readonly long MinUnixTicks = DateTime.MinValue.AddDays(2).Ticks - EpochTicks;
    private static readonly long MaxUnixTicks = DateTime.MaxValue.AddDays(-2).Ticks - EpochTicks;

    /// <summary>More than a day from the interval's start and end: no other offset can map to the same wall time.</summary>
    private static bool FarFromEdges(ZoneInterval interval, long unixTicks) =>
        (!interval.HasStart || unixTicks - interval.Start.ToUnixTimeTicks() > Day)
        && (!interval.HasEnd || interval.End.ToUnixTimeTicks() - unixTicks > Day);

    internal static DateTime ToWall(long utcTicks, DateTimeZone zone) =>
        ReferenceEquals(zone, DateTimeZone.Utc)
            ? new DateTime(utcTicks, DateTimeKind.Unspecified)
            : Instant.FromUnixTimeTicks(utcTicks - EpochTicks).InZone(zone).LocalDateTime.ToDateTimeUnspecified();

    private static bool Overlaps(long start, long end, long from, long to) => start < to && (end > from || (start == end && start >= from));

    private static void Add(long start, long end, List<BusyInterval> intervals) =>
        intervals.Add(new BusyInterval(new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(Math.Max(start, end), TimeSpan.Zero)));

    /// <summary>Builds the index of a feed's events (see <see cref="IcsIndexBuilder"/>); <paramref name="budget"/> bounds resolving
    /// COUNTs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    internal static BusyTimeIndex Create(List<RawEvent> events, FeedZoneResolver zones, ExpansionBudget budget)
    {
        var fixedList = new List<(long Start, long End)>();
        var floatingList = new List<(long Start, long End)>();
        var seriesList = new List<Series>();
        var unresolved = 0;

        // Overrides by UID: the winner per RECURRENCE-ID is the highest SEQUENCE, else the last in the feed.
        var masters = new Dictionary<string, List<RawEvent>>(StringComparer.Ordinal);
        var overrides = new Dictionary<string, List<RawEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var target = e.RecurrenceId is null ? masters : overrides;
            if (e.Uid is { } uid)
            {
                (target.TryGetValue(uid, out var list) ? list : target[uid] = []).Add(e);
            }
        }

        foreach (var e in events)
        {
            var isOverride = e.RecurrenceId is not null;
            var hasMaster = e.Uid is not null && masters.ContainsKey(e.Uid);
            if (isOverride && hasMaster)
            {
                continue; // handled with its series below
            }

            var eventOverrides = !isOverride && e.Uid is not null && overrides.TryGetValue(e.Uid, out var o) ? Winners(o) : null;
            if (isOverride || (e.Rules is null && e.RDates is null && eventOverrides is null))
            {
                if (IsBusy(e))
                {
                    AddSingle(e, zones, fixedList, floatingList);
                }

                continue;
            }

            var built = Series.Create(e, eventOverrides ?? [], zones, budget, out var countUnresolved);
            unresolved += countUnresolved ? 1 : 0;
            if (built is not null)
            {
                seriesList.Add(built);
            }

            foreach (var single in eventOverrides ?? [])
            {
                if (!single.ThisAndFuture && IsBusy(single))
                {
                    AddSingle(single, zones, fixedList, floatingList);
                }
            }
        }

        // A bounded series with a modest number of instances is expanded once, here, into single intervals: a request
        // then finds them by binary search like any single event. Floating and all-day series are kept in wall ticks
        // (expanded in UTC, where wall time and ticks agree) and placed in the requester's zone per request.
        var kept = new List<Series>();
        var scratch = new List<DateTime>();
        var expanded = new List<BusyInterval>();
        foreach (var series in seriesList)
        {
            if (series.LastTicks == long.MaxValue || !budget.Step())
            {
                kept.Add(series);
                continue;
            }

            expanded.Clear();
            var enough = new ExpansionBudget(MaxMaterialised, long.MaxValue, CancellationToken.None);
            series.Read(0, DateTime.MaxValue.Ticks - Day, DateTimeZone.Utc, enough, scratch, expanded);
            if (enough.Exhausted)
            {
                kept.Add(series);
                continue;
            }

            var target = series.IsFloating ? floatingList : fixedList;
            foreach (var interval in expanded)
            {
                target.Add((interval.Start.UtcTicks, interval.End.UtcTicks));
            }
        }

        return new BusyTimeIndex(new Singles(fixedList), new Singles(floatingList), [.. kept], events.Count, unresolved);
    }

    private static List<RawEvent> Winners(List<RawEvent> overrides) =>
        [
            .. overrides
                .GroupBy(o => (o.RecurrenceId!.Value.Value, o.RecurrenceId.Value.IsUtc, o.RecurrenceId.Value.TzId))
                .Select(g => g.Where(o => o.Sequence > 0).OrderByDescending(o => o.Sequence).FirstOrDefault() ?? g.Last()),
        ];

    private static bool IsBusy(RawEvent e) => !e.Cancelled && !e.Transparent;

    /// <summary>A single event: an instant pair when its start has a zone (or is UTC), wall ticks (read in the requester's zone) when
    /// floating or all-day.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    private static void AddSingle(RawEvent e, FeedZoneResolver zones, List<(long, long)> fixedList, List<(long, long)> floatingList)
    {
        var start = e.Start!.Value;
        var zone = ZoneOf(start, zones);
        if (zone is null)
        {
            var endWall =
                e.End is { } end ? end.Value.Ticks
                : e.Duration is { } d ? start.Value.AddDays(d.Days).Add(d.Exact).Ticks
                : start.IsDate ? start.Value.AddDays(1).Ticks
                : start.Value.Ticks;
            floatingList.Add((start.Value.Ticks, Math.Max(start.Value.Ticks, endWall)));
            return;
        }

        var startUtc = ToUtcTicks(start.Value, zone);
        long endUtc;
        if (e.End is { } endTime)
        {
            endUtc = ToUtcTicks(endTime.Value, ZoneOf(endTime, zones) ?? zone);
        }
        else if (e.Duration is { } duration)
        {
            endUtc = ToUtcTicks(start.Value.AddDays(duration.Days), zone) + duration.Exact.Ticks;
        }
        else
        {
            endUtc = startUtc;
        }

        fixedList.Add((startUtc, Math.Max(startUtc, endUtc)));
    }

    /// <summary>UTC for a UTC time, the resolved zone for a TZID, null for floating times and dates.</summary>
    internal static DateTimeZone? ZoneOf(RawTime time, FeedZoneResolver zones) =>
        time.IsUtc ? DateTimeZone.Utc
        : time.IsDate || time.TzId is null ? null
        : zones.Resolve(time.TzId);

    /// <summary>Single events sorted by start; events longer than a week kept apart, so the search back from a window is at most a
    /// week.</summary>
    private sealed class Singles
    {
        private readonly long[] starts;
        private readonly long[] ends;
        private readonly long maxShort;
        private readonly (long Start, long End)[] longOnes;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
        public Singles(List<(long Start, long End)> items)
        {
            var shortCount = 0;
            foreach (var (start, end) in items)
            {
                shortCount += end - start <= LongEvent ? 1 : 0;
            }

            starts = new long[shortCount];
            ends = new long[shortCount];
            var longList = new List<(long, long)>(items.Count - shortCount);
            var n = 0;
            foreach (var (start, end) in items)
            {
                if (end - start <= LongEvent)
                {
                    starts[n] = start;
                    ends[n++] = end;
                    maxShort = Math.Max(maxShort, end - start);
                }
                else
                {
                    longList.Add((start, end));
                }
            }

            Array.Sort(starts, ends);
            longOnes = [.. longList];
        }

        public long Bytes => (starts.Length * 16L) + (longOnes.Length * 16L);

        /// <summary>With <paramref name="zone"/> null the ticks are UTC; otherwise they are wall ticks read in that zone.</summary>
        public void Read(long from, long to, DateTimeZone? zone, ExpansionBudget budget, List<BusyInterval> intervals)
        {
            // Wall times are within a day of their instant in every zone.
            var margin = zone is null ? 0 : Day;
            var first = LowerBound(starts, from - maxShort - margin);
            for (var i = first; i < starts.Length && starts[i] < to + margin; i++)
            {
                if (!Take(starts[i], ends[i], from, to, zone, budget, intervals))
                {
                    return;
                }
            }

            foreach (var (start, end) in longOnes)
            {
                if (!Take(start, end, from, to, zone, budget, intervals))
                {
                    return;
                }
            }
        }

        private static bool Take(
            long start,
            long end,
            long from,
            long to,
            DateTimeZone? zone,
            ExpansionBudget budget,
            List<BusyInterval> intervals
        )
        {
            if (!budget.Step())
            {
                return false;
            }

            if (zone is not null)
            {
                start = ToUtcTicks(new DateTime(start, DateTimeKind.Unspecified), zone);
                end = ToUtcTicks(new DateTime(end, DateTimeKind.Unspecified), zone);
            }

            if (Overlaps(start, end, from, to))
            {
                if (!budget.TakeOccurrence())
                {
                    return false;
                }

                Add(start, end, intervals);
            }

            return true;
        }

        private static int LowerBound(long[] values, long value)
        {
            int lo = 0,
                hi = values.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (values[mid] < value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    /// <summary>A THISANDFUTURE override: instances from <see cref="FromWall"/> on move by <see cref="ShiftTicks"/> and last
    /// <see cref="DurationTicks"/>.</summary>
    private readonly record struct RangeOverride(long FromWall, long ShiftTicks, long DurationTicks, bool Busy);

    /// <summary>A recurring event: DTSTART in its zone's wall time (zone null: floating or all-day), its rules and dates, and what replaces
    /// or removes instances.</summary>
    private sealed class Series
    {
        private DateTime start;
        private DateTimeZone? zone;
        private bool isDate;
        private int nominalDays;
        private long exactTicks;
        private (RecurrenceExpander Expander, DateTime? UntilWall, bool CountResolved)[] rules = [];
        private DateTime[] dates = [];
        private Dictionary<long, long>? dateDurations;
        private HashSet<long>? excludedWall;
        private HashSet<int>? excludedDays;
        private RangeOverride[] ranges = [];
        private bool busy;
        private long maxShift;
        private long maxDuration;

        /// <summary>No zone: floating times or dates, placed in the requester's zone.</summary>
        public bool IsFloating => zone is null;

        /// <summary>Approximate UTC span (a day's margin each side for zones); <see cref="long.MaxValue"/> when the rule never
        /// ends.</summary>
        public long FirstTicks { get; private set; }

        public long LastTicks { get; private set; }

        public long Bytes =>
            200 + (dates.Length * 8L) + ((excludedWall?.Count ?? 0) * 24L) + ((excludedDays?.Count ?? 0) * 16L) + (rules.Length * 200L);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
        public static Series? Create(
            RawEvent master,
            List<RawEvent> overrides,
            FeedZoneResolver zones,
            ExpansionBudget budget,
            out bool countUnresolved
        )
        {
            countUnresolved = false;
            var first = master.Start!.Value;
            var s = new Series
            {
                start = first.Value,
                isDate = first.IsDate,
                zone = ZoneOf(first, zones),
                busy = IsBusy(master),
            };
            if (first.IsUtc)
            {
                s.zone = DateTimeZone.Utc;
            }

            s.SetDuration(master, zones);

            var rules = new List<(RecurrenceExpander, DateTime?, bool)>();
            foreach (var rule in master.Rules ?? [])
            {
                var expander = new RecurrenceExpander(rule, s.start);
                DateTime? until = rule.Until is { } u ? s.UntilWall(u, rule.UntilIsUtc, rule.UntilIsDate) : null;
                var resolved = false;
                if (rule.Count is not null && budget.Step())
                {
                    // COUNT becomes its last instance, so the series is bounded and a window can be jumped to.
                    var last = expander.LastInstance(ExpansionBudget.For(100_000, TimeSpan.FromMilliseconds(50), CancellationToken.None));
                    if (last is { } l)
                    {
                        until = l;
                        resolved = true;
                    }
                    else
                    {
                        countUnresolved = true;
                    }
                }

                rules.Add((expander, until, resolved));
            }

            s.rules = [.. rules];

            var dates = new List<DateTime>();
            foreach (var (rdate, end) in master.RDates ?? [])
            {
                var wall = s.WallOf(rdate, zones);
                dates.Add(wall);
                if (end is { } e)
                {
                    (s.dateDurations ??= [])[wall.Ticks] = s.ToUtc(s.WallOf(e, zones)) - s.ToUtc(wall);
                }
            }

            s.dates = [.. dates.Distinct().Order()];

            foreach (var exdate in master.ExDates ?? [])
            {
                s.Exclude(exdate, zones);
            }

            var ranges = new List<RangeOverride>();
            foreach (var o in overrides)
            {
                var rid = o.RecurrenceId!.Value;
                if (!o.ThisAndFuture)
                {
                    s.Exclude(rid, zones);
                }
                else if (o.Start is { } overrideStart)
                {
                    var ridWall = s.WallOf(rid, zones);
                    var shift = ToUtcTicks(overrideStart.Value, ZoneOf(overrideStart, zones) ?? s.zone) - s.ToUtc(ridWall);
                    var duration = OverrideDuration(o, zones, s);
                    ranges.Add(new RangeOverride(ridWall.Ticks, shift, duration, IsBusy(o)));
                    s.maxShift = Math.Max(s.maxShift, Math.Abs(shift));
                }
            }

            s.ranges = [.. ranges.OrderBy(r => r.FromWall)];
            if (!s.busy && !s.ranges.Any(r => r.Busy))
            {
                return null;
            }

            // The span, for bucketing: a day's margin covers any zone's offset.
            var maxDuration = s.maxDuration =
                (s.nominalDays * Day)
                + s.exactTicks
                + (s.dateDurations?.Values.DefaultIfEmpty().Max() ?? 0)
                + (s.ranges.Length == 0 ? 0 : s.ranges.Max(r => r.DurationTicks));
            s.FirstTicks = Math.Min(s.start.Ticks, s.dates.Length == 0 ? long.MaxValue : s.dates[0].Ticks) - Day - s.maxShift;
            var lastRule =
                s.rules.Length == 0 ? s.start.Ticks
                : s.rules.Any(r => r.UntilWall is null) ? long.MaxValue
                : s.rules.Max(r => r.UntilWall!.Value.Ticks);
            var lastStart = Math.Max(lastRule, s.dates.Length == 0 ? s.start.Ticks : s.dates[^1].Ticks);
            s.LastTicks =
                lastStart == long.MaxValue ? long.MaxValue : Math.Min(DateTime.MaxValue.Ticks, lastStart + maxDuration + Day + s.maxShift);
            return s;
        }

        private static long OverrideDuration(RawEvent o, FeedZoneResolver zones, Series s)
        {
            var start = o.Start!.Value;
            var zone = ZoneOf(start, zones) ?? s.zone;
            var startUtc = ToUtcTicks(start.Value, zone);
            if (o.End is { } end)
            {
                return Math.Max(0, ToUtcTicks(end.Value, ZoneOf(end, zones) ?? zone) - startUtc);
            }

            if (o.Duration is { } d)
            {
                return Math.Max(0, ToUtcTicks(start.Value.AddDays(d.Days), zone) + d.Exact.Ticks - startUtc);
            }

            return (s.nominalDays * Day) + s.exactTicks;
        }

        private void SetDuration(RawEvent master, FeedZoneResolver zones)
        {
            if (master.End is { } end)
            {
                if (isDate && end.IsDate)
                {
                    nominalDays = Math.Max(0, (end.Value - start).Days);
                    return;
                }

                // The same exact duration for every instance (RFC 5545 §3.8.5.3).
                exactTicks = Math.Max(0, ToUtcTicks(end.Value, ZoneOf(end, zones) ?? zone) - ToUtcTicks(start, zone));
                return;
            }

            if (master.Duration is { } d)
            {
                nominalDays = Math.Max(0, d.Days);
                exactTicks = Math.Max(0, d.Exact.Ticks);
                return;
            }

            nominalDays = isDate ? 1 : 0;
        }

        /// <summary>A time written anywhere in the event as wall time in this series' zone.</summary>
        private DateTime WallOf(RawTime time, FeedZoneResolver zones)
        {
            if (zone is null || time.IsDate)
            {
                return time.Value; // floating series (or a date): compared as written
            }

            var timeZone = ZoneOf(time, zones);
            return timeZone is null || ReferenceEquals(timeZone, zone) ? time.Value : ToWall(ToUtcTicks(time.Value, timeZone), zone);
        }

        private DateTime UntilWall(DateTime until, bool isUtc, bool untilIsDate)
        {
            if (untilIsDate)
            {
                return isDate ? until : until.AddDays(1).AddTicks(-1); // a DATE UNTIL includes that whole day
            }

            return isUtc && zone is not null ? ToWall(until.Ticks, zone) : until;
        }

        private long ToUtc(DateTime wall) => ToUtcTicks(wall, zone);

        private void Exclude(RawTime time, FeedZoneResolver zones)
        {
            if (isDate || time.IsDate)
            {
                (excludedDays ??= []).Add(DayNumber(WallOf(time, zones)));
            }
            else
            {
                (excludedWall ??= []).Add(WallOf(time, zones).Ticks);
            }
        }

        private static int DayNumber(DateTime wall) => (int)(wall.Ticks / Day);

        public void Read(
            long from,
            long to,
            DateTimeZone requestZone,
            ExpansionBudget budget,
            List<DateTime> occurrences,
            List<BusyInterval> intervals
        )
        {
            if (budget.Exhausted || FirstTicks >= to + Day || (LastTicks != long.MaxValue && LastTicks <= from - Day))
            {
                return;
            }

            // The window in the series' wall time: a wall time is within 14 hours of its instant in every zone (and equal
            // to it in UTC), widened by the longest instance; the exact test comes after each instance's conversion.
            var zoneForInstances = zone ?? requestZone;
            var margin = ReferenceEquals(zoneForInstances, DateTimeZone.Utc) ? 0 : WallMargin;
            var fromWall = new DateTime(
                Math.Clamp(from - maxDuration - maxShift - margin, 0, DateTime.MaxValue.Ticks),
                DateTimeKind.Unspecified
            );
            var toWall = new DateTime(Math.Clamp(to + maxShift + margin, 0, DateTime.MaxValue.Ticks), DateTimeKind.Unspecified);

            occurrences.Clear();
            foreach (var (expander, until, countResolved) in rules)
            {
                var complete = countResolved
                    ? expander.ExpandUntil(fromWall, toWall, until!.Value, budget, occurrences)
                    : expander.Expand(fromWall, toWall, until, budget, occurrences);
                if (!complete)
                {
                    break;
                }
            }

            if (rules.Length == 0)
            {
                occurrences.Add(start);
            }

            foreach (var date in dates)
            {
                if (date >= fromWall && date < toWall)
                {
                    occurrences.Add(date);
                }
            }

            if (rules.Length > 1 || dates.Length > 0)
            {
                occurrences.Sort();
            }

            var previous = DateTime.MinValue;
            foreach (var wall in occurrences)
            {
                if (wall == previous && previous != DateTime.MinValue)
                {
                    continue; // the same instance from two rules (or a rule and an RDATE)
                }

                previous = wall;
                if (
                    (excludedWall is not null && excludedWall.Contains(wall.Ticks))
                    || (excludedDays is not null && excludedDays.Contains(DayNumber(wall)))
                )
                {
                    continue;
                }

                var startUtc = ToUtcTicks(wall, zoneForInstances);
                long endUtc;
                if (dateDurations is not null && dateDurations.TryGetValue(wall.Ticks, out var periodTicks))
                {
                    endUtc = startUtc + periodTicks;
                }
                else
                {
                    endUtc = (nominalDays == 0 ? startUtc : ToUtcTicks(wall.AddDays(nominalDays), zoneForInstances)) + exactTicks;
                }

                var isBusy = busy;
                for (var r = ranges.Length - 1; r >= 0; r--)
                {
                    if (wall.Ticks >= ranges[r].FromWall)
                    {
                        startUtc += ranges[r].ShiftTicks;
                        endUtc = startUtc + ranges[r].DurationTicks;
                        isBusy = ranges[r].Busy;
                        break;
                    }
                }

                if (isBusy && Overlaps(startUtc, endUtc, from, to))
                {
                    Add(startUtc, endUtc, intervals); // counted against the budget when the rule produced it
                }
            }
        }
    }
}
