namespace Cal.Domain.Availability;

/// <summary>A weekly availability rule of a schedule: on these days, from <see cref="Start"/> to <see cref="End"/> in the schedule's zone
/// (an end before the start, such as 00:00: until midnight; an end equal to the start: nothing).</summary>
public sealed record WeeklyAvailability(IReadOnlyCollection<DayOfWeek> Days, TimeOnly Start, TimeOnly End);

/// <summary>A date override: on <see cref="Date"/> the schedule is available only in <see cref="Windows"/> (none, or 00:00-00:00: not at
/// all).</summary>
public sealed record DateOverride(DateOnly Date, IReadOnlyList<(TimeOnly Start, TimeOnly End)> Windows);

/// <summary>A busy period, [Start, End) in UTC.</summary>
public readonly record struct BusyPeriod(DateTimeOffset Start, DateTimeOffset End);

/// <summary>What slots are asked for: the event's length, the step between slot starts, buffers, notice, the range and now.</summary>
public sealed record SlotRequest(
    TimeSpan Length,
    TimeSpan Interval,
    TimeSpan BufferBefore,
    TimeSpan BufferAfter,
    TimeSpan MinimumNotice,
    DateTimeOffset RangeStart,
    DateTimeOffset RangeEnd,
    DateTimeOffset Now
);

/// <summary>What <see cref="SlotCalculator.Compute"/> found: the slots in order, or (<see cref="Exceeded"/>) that there are more than
/// allowed.</summary>
public sealed record SlotResult(IReadOnlyList<DateTimeOffset> Slots, bool Exceeded);

/// <summary>
/// Bookable slots, as a pure function: a schedule (weekly availability and date overrides, wall-clock times in the
/// schedule's own zone, so DST is the zone's business) minus busy periods widened by the buffers (a slot needs
/// <see cref="SlotRequest.BufferBefore"/> free before it and <see cref="SlotRequest.BufferAfter"/> after it). Slot starts
/// step by <see cref="SlotRequest.Interval"/> from each availability window's start; a slot lies wholly inside its
/// window, starts inside the range and no earlier than now plus the notice. No I/O, no clock: everything comes in.
/// The work is bounded: the busy periods are merged once and walked with a cursor (never rescanned per slot), at most
/// a given number of slots is produced, and the caller's cancellation is observed every day.
/// </summary>
public static class SlotCalculator
{
    /// <summary>Every slot, however many (tests and small ranges); see <see cref="Compute"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> Slots(
        TimeZoneInfo zone,
        IReadOnlyList<WeeklyAvailability> weekly,
        IReadOnlyList<DateOverride> overrides,
        IReadOnlyList<BusyPeriod> busy,
        SlotRequest request
    ) => Compute(zone, weekly, overrides, busy, request, int.MaxValue, CancellationToken.None).Slots;

    /// <summary>The slots in order; <see cref="SlotResult.Exceeded"/> (and no slots) once more than <paramref name="maxSlots"/> would be
    /// produced.</summary>
    public static SlotResult Compute(
        TimeZoneInfo zone,
        IReadOnlyList<WeeklyAvailability> weekly,
        IReadOnlyList<DateOverride> overrides,
        IReadOnlyList<BusyPeriod> busy,
        SlotRequest request,
        int maxSlots,
        CancellationToken cancellationToken
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Length, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Interval, TimeSpan.Zero);
        var earliest = Max(request.RangeStart, request.Now + request.MinimumNotice);
        var blocked = Merge(busy, request.BufferBefore, request.BufferAfter);
        var windows = Windows(zone, weekly, overrides, request, cancellationToken);
        var slots = new List<DateTimeOffset>();
        var seen = new HashSet<DateTimeOffset>();
        var steps = 0;
        foreach (var (from, to) in windows)
        {
            // The first merged period that ends after the window's first slot; slots in a window only move forward.
            var cursor = FirstEndingAfter(blocked, from);
            for (var slot = from; slot + request.Length <= to && slot < request.RangeEnd; slot += request.Interval)
            {
                if ((++steps & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (slot < earliest)
                {
                    continue;
                }

                var slotEnd = slot + request.Length;
                while (cursor < blocked.Count && blocked[cursor].End <= slot)
                {
                    cursor++;
                }

                if (cursor < blocked.Count && blocked[cursor].Start < slotEnd)
                {
                    continue; // overlaps a busy period (with its buffers)
                }

                if (seen.Add(slot))
                {
                    if (slots.Count >= maxSlots)
                    {
                        return new SlotResult([], Exceeded: true);
                    }

                    slots.Add(slot);
                }
            }
        }

        slots.Sort();
        return new SlotResult(slots, Exceeded: false);
    }

    /// <summary>
    /// The working windows as instants, in order of start: each local day of the range (from the day before its start, as a
    /// window can run past midnight) takes its date's overrides, else its weekday's hours; an end at or before the start (or
    /// 00:00) runs to the next midnight; an empty window (cal.com's 00:00-00:00 day off) is none.
    /// </summary>
    private static List<(DateTimeOffset From, DateTimeOffset To)> Windows(
        TimeZoneInfo zone,
        IReadOnlyList<WeeklyAvailability> weekly,
        IReadOnlyList<DateOverride> overrides,
        SlotRequest request,
        CancellationToken cancellationToken
    )
    {
        var windows = new List<(DateTimeOffset From, DateTimeOffset To)>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.RangeStart, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.RangeEnd, zone).DateTime);
        var byDate = overrides.GroupBy(o => o.Date).ToDictionary(g => g.Key, g => g.SelectMany(o => o.Windows).ToList());
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hours = byDate.TryGetValue(day, out var overridden)
                ? overridden
                : weekly.Where(w => w.Days.Contains(day.DayOfWeek)).Select(w => (w.Start, w.End)).ToList();
            foreach (var (start, end) in hours)
            {
                if (start == end)
                {
                    continue; // 00:00-00:00 (cal.com's day off), or any empty window
                }

                var from = AtWallTime(day.ToDateTime(start), zone);
                var to =
                    end == TimeOnly.MinValue || end <= start
                        ? AtWallTime(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone)
                        : AtWallTime(day.ToDateTime(end), zone);
                windows.Add((from, to));
            }
        }

        windows.Sort(static (a, b) => a.From.CompareTo(b.From));
        return windows;
    }

    /// <summary>
    /// Busy periods widened so that "the slot with its buffers is free" is "the slot avoids every widened period",
    /// sorted and merged into disjoint periods (so their ends are in order too, and one cursor can walk them).
    /// </summary>
    private static List<BusyPeriod> Merge(IReadOnlyList<BusyPeriod> busy, TimeSpan bufferBefore, TimeSpan bufferAfter)
    {
        var widened = new List<BusyPeriod>(busy.Count);
        foreach (var b in busy)
        {
            widened.Add(new BusyPeriod(b.Start - bufferAfter, b.End + bufferBefore));
        }

        widened.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<BusyPeriod>(widened.Count);
        foreach (var b in widened)
        {
            if (merged.Count > 0 && b.Start <= merged[^1].End)
            {
                if (b.End > merged[^1].End)
                {
                    merged[^1] = merged[^1] with { End = b.End };
                }
            }
            else
            {
                merged.Add(b);
            }
        }

        return merged;
    }

    /// <summary>The index of the first merged period whose end is after <paramref name="instant"/> (binary search).</summary>
    private static int FirstEndingAfter(List<BusyPeriod> merged, DateTimeOffset instant)
    {
        int lo = 0,
            hi = merged.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (merged[mid].End <= instant)
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

    /// <summary>A wall time in the zone as an instant: a time skipped by a DST change moves forward by the gap; an ambiguous one is its
    /// first occurrence.</summary>
    public static DateTimeOffset AtWallTime(DateTime wall, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
