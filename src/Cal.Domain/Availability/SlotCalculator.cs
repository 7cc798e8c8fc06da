namespace Cal.Domain.Availability;

/// <summary>A weekly availability rule of a schedule: on these days, from <see cref="Start"/> to <see cref="End"/> in the schedule's zone (an end before the start, such as 00:00: until midnight; an end equal to the start: nothing).</summary>
public sealed record WeeklyAvailability(IReadOnlyCollection<DayOfWeek> Days, TimeOnly Start, TimeOnly End);

/// <summary>A date override: on <see cref="Date"/> the schedule is available only in <see cref="Windows"/> (none, or 00:00-00:00: not at all).</summary>
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
    DateTimeOffset Now);

/// <summary>
/// Bookable slots, as a pure function: a schedule (weekly availability and date overrides, wall-clock times in the
/// schedule's own zone, so DST is the zone's business) minus busy periods widened by the buffers (a slot needs
/// <see cref="SlotRequest.BufferBefore"/> free before it and <see cref="SlotRequest.BufferAfter"/> after it). Slot starts
/// step by <see cref="SlotRequest.Interval"/> from each availability window's start; a slot lies wholly inside its
/// window, starts inside the range and no earlier than now plus the notice. No I/O, no clock: everything comes in.
/// </summary>
public static class SlotCalculator
{
    public static IReadOnlyList<DateTimeOffset> Slots(
        TimeZoneInfo zone,
        IReadOnlyList<WeeklyAvailability> weekly,
        IReadOnlyList<DateOverride> overrides,
        IReadOnlyList<BusyPeriod> busy,
        SlotRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Length, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Interval, TimeSpan.Zero);
        var earliest = Max(request.RangeStart, request.Now + request.MinimumNotice);

        // Busy periods widened so that "the slot with its buffers is free" is "the slot avoids every widened period".
        var blocked = busy
            .Select(b => new BusyPeriod(b.Start - request.BufferAfter, b.End + request.BufferBefore))
            .OrderBy(b => b.Start)
            .ToList();

        var slots = new List<DateTimeOffset>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.RangeStart, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.RangeEnd, zone).DateTime);
        var byDate = overrides.GroupBy(o => o.Date).ToDictionary(g => g.Key, g => g.SelectMany(o => o.Windows).ToList());
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var windows = byDate.TryGetValue(day, out var overridden)
                ? overridden
                : weekly.Where(w => w.Days.Contains(day.DayOfWeek)).Select(w => (w.Start, w.End)).ToList();
            foreach (var (start, end) in windows)
            {
                if (start == end)
                {
                    continue; // 00:00-00:00 (cal.com's day off), or any empty window
                }

                var from = AtWallTime(day.ToDateTime(start), zone);
                var to = end == TimeOnly.MinValue || end <= start ? AtWallTime(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone) : AtWallTime(day.ToDateTime(end), zone);
                for (var slot = from; slot + request.Length <= to; slot += request.Interval)
                {
                    if (slot >= earliest && slot < request.RangeEnd && !Overlaps(blocked, slot, slot + request.Length))
                    {
                        slots.Add(slot);
                    }
                }
            }
        }

        return slots.Distinct().Order().ToList();
    }

    /// <summary>A wall time in the zone as an instant: a time skipped by a DST change moves forward by the gap; an ambiguous one is its first occurrence.</summary>
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

    private static bool Overlaps(List<BusyPeriod> blocked, DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var b in blocked)
        {
            if (b.Start >= end)
            {
                return false; // sorted by start: none further can overlap
            }

            if (b.End > start)
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
