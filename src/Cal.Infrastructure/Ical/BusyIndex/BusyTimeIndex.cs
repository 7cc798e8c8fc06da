using System.Runtime.CompilerServices;
using Cal.Application.Calendars.Common;
using Cal.Infrastructure.Ical.Recurrence;
using Cal.Infrastructure.Ical.Zones;
using NodaTime;

namespace Cal.Infrastructure.Ical.BusyIndex;

/// <summary>
/// One feed version's busy-time model, built once when the feed is fetched (<see cref="IcsIndexBuilder"/>):
/// single events as sorted arrays of start/end ticks (a window is a binary search), recurring series with their
/// rules parsed, zones resolved, COUNT turned into a last instance, exclusions (EXDATE and overridden instances)
/// keyed by wall time in the series' zone. Bounded series of modest size are expanded here into the single arrays;
/// the rest are placed in 32-day buckets by their span, and a request expands only those whose span meets its
/// window, from the window on.
/// </summary>
internal sealed partial class BusyTimeIndex : IBusyTimeIndex
{
    private const long Day = TimeSpan.TicksPerDay;
    private const long LongEvent = 7 * Day;
    private const long BucketTicks = 32 * Day;
    private const int MaxBucketsPerSeries = 256;

    /// <summary>
    /// How far a wall time may be from its instant: UTC offsets run from -12:00 to +14:00, so 14 hours, plus one for a
    /// summer-time shift. Series widen a window by it (<c>Series.Read</c>); the coarser day used for buckets and floating
    /// singles covers it too.
    /// </summary>
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
        var (masters, overrides) = ByUid(events);
        foreach (var e in events)
        {
            var isOverride = e.RecurrenceId is not null;
            var hasMaster = e.Uid is not null && masters.Contains(e.Uid);
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

        var kept = Materialise(seriesList, budget, fixedList, floatingList);
        return new BusyTimeIndex(new Singles(fixedList), new Singles(floatingList), [.. kept], events.Count, unresolved);
    }

    /// <summary>The UIDs that have a master, and the overrides (events with a RECURRENCE-ID) by UID.</summary>
    private static (HashSet<string> Masters, Dictionary<string, List<RawEvent>> Overrides) ByUid(List<RawEvent> events)
    {
        var masters = new HashSet<string>(StringComparer.Ordinal);
        var overrides = new Dictionary<string, List<RawEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Uid is not { } uid)
            {
                continue;
            }

            if (e.RecurrenceId is null)
            {
                masters.Add(uid);
            }
            else
            {
                (overrides.TryGetValue(uid, out var list) ? list : overrides[uid] = []).Add(e);
            }
        }

        return (masters, overrides);
    }

    /// <summary>
    /// A bounded series with a modest number of instances is expanded once, here, into single intervals: a request then finds
    /// them by binary search like any single event. Floating and all-day series are kept in wall ticks (expanded in UTC, where
    /// wall time and ticks agree) and placed in the requester's zone per request. Returns the series kept as series.
    /// </summary>
    private static List<Series> Materialise(
        List<Series> seriesList,
        ExpansionBudget budget,
        List<(long Start, long End)> fixedList,
        List<(long Start, long End)> floatingList
    )
    {
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

        return kept;
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

        var startUtc = WallClock.ToUtcTicks(start.Value, zone);
        long endUtc;
        if (e.End is { } endTime)
        {
            endUtc = WallClock.ToUtcTicks(endTime.Value, ZoneOf(endTime, zones) ?? zone);
        }
        else if (e.Duration is { } duration)
        {
            endUtc = WallClock.ToUtcTicks(start.Value.AddDays(duration.Days), zone) + duration.Exact.Ticks;
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
}
