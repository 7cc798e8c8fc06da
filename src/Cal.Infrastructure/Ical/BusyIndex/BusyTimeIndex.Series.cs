using System.Runtime.CompilerServices;
using Cal.Application.Calendars.Common;
using Cal.Infrastructure.Ical.Recurrence;
using Cal.Infrastructure.Ical.Zones;
using NodaTime;

namespace Cal.Infrastructure.Ical.BusyIndex;

/// <summary>The index's recurring series and their expansion in a window (<see cref="BusyTimeIndex"/>).</summary>
internal sealed partial class BusyTimeIndex
{
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
            s.rules = s.Expanders(master.Rules ?? [], budget, out countUnresolved);
            s.SetDates(master, zones);
            s.SetOverrides(overrides, zones);
            if (!s.busy && !s.ranges.Any(r => r.Busy))
            {
                return null;
            }

            s.SetSpan();
            return s;
        }

        /// <summary>One expander per rule, each with its last wall time: its UNTIL, or (COUNT) its last instance when that can
        /// be found within a small budget, so the series is bounded and a window can be jumped to.</summary>
        private (RecurrenceExpander, DateTime?, bool)[] Expanders(
            List<RecurrenceRule> ruleList,
            ExpansionBudget budget,
            out bool countUnresolved
        )
        {
            countUnresolved = false;
            var expanders = new List<(RecurrenceExpander, DateTime?, bool)>();
            foreach (var rule in ruleList)
            {
                var expander = new RecurrenceExpander(rule, start);
                DateTime? until = rule.Until is { } u ? UntilWall(u, rule.UntilIsUtc, rule.UntilIsDate) : null;
                var resolved = false;
                if (rule.Count is not null && budget.Step())
                {
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

                expanders.Add((expander, until, resolved));
            }

            return [.. expanders];
        }

        /// <summary>The RDATEs (a PERIOD's own length kept) and EXDATEs, as wall times of the series.</summary>
        private void SetDates(RawEvent master, FeedZoneResolver zones)
        {
            var list = new List<DateTime>();
            foreach (var (rdate, end) in master.RDates ?? [])
            {
                var wall = WallOf(rdate, zones);
                list.Add(wall);
                if (end is { } e)
                {
                    (dateDurations ??= [])[wall.Ticks] = ToUtc(WallOf(e, zones)) - ToUtc(wall);
                }
            }

            dates = [.. list.Distinct().Order()];
            foreach (var exdate in master.ExDates ?? [])
            {
                Exclude(exdate, zones);
            }
        }

        /// <summary>An override of one instance removes it (the override is a single event); a THISANDFUTURE one moves the
        /// instances from it on.</summary>
        private void SetOverrides(List<RawEvent> overrides, FeedZoneResolver zones)
        {
            var list = new List<RangeOverride>();
            foreach (var o in overrides)
            {
                var rid = o.RecurrenceId!.Value;
                if (!o.ThisAndFuture)
                {
                    Exclude(rid, zones);
                }
                else if (o.Start is { } overrideStart)
                {
                    var ridWall = WallOf(rid, zones);
                    var shift = WallClock.ToUtcTicks(overrideStart.Value, ZoneOf(overrideStart, zones) ?? zone) - ToUtc(ridWall);
                    var duration = OverrideDuration(o, zones, this);
                    list.Add(new RangeOverride(ridWall.Ticks, shift, duration, IsBusy(o)));
                    maxShift = Math.Max(maxShift, Math.Abs(shift));
                }
            }

            ranges = [.. list.OrderBy(r => r.FromWall)];
        }

        /// <summary>The span, for bucketing: a day's margin covers any zone's offset.</summary>
        private void SetSpan()
        {
            maxDuration =
                (nominalDays * Day)
                + exactTicks
                + (dateDurations?.Values.DefaultIfEmpty().Max() ?? 0)
                + (ranges.Length == 0 ? 0 : ranges.Max(r => r.DurationTicks));
            FirstTicks = Math.Min(start.Ticks, dates.Length == 0 ? long.MaxValue : dates[0].Ticks) - Day - maxShift;
            var lastRule =
                rules.Length == 0 ? start.Ticks
                : rules.Any(r => r.UntilWall is null) ? long.MaxValue
                : rules.Max(r => r.UntilWall!.Value.Ticks);
            var lastStart = Math.Max(lastRule, dates.Length == 0 ? start.Ticks : dates[^1].Ticks);
            LastTicks =
                lastStart == long.MaxValue ? long.MaxValue : Math.Min(DateTime.MaxValue.Ticks, lastStart + maxDuration + Day + maxShift);
        }

        private static long OverrideDuration(RawEvent o, FeedZoneResolver zones, Series s)
        {
            var start = o.Start!.Value;
            var zone = ZoneOf(start, zones) ?? s.zone;
            var startUtc = WallClock.ToUtcTicks(start.Value, zone);
            if (o.End is { } end)
            {
                return Math.Max(0, WallClock.ToUtcTicks(end.Value, ZoneOf(end, zones) ?? zone) - startUtc);
            }

            if (o.Duration is { } d)
            {
                return Math.Max(0, WallClock.ToUtcTicks(start.Value.AddDays(d.Days), zone) + d.Exact.Ticks - startUtc);
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
                exactTicks = Math.Max(0, WallClock.ToUtcTicks(end.Value, ZoneOf(end, zones) ?? zone) - WallClock.ToUtcTicks(start, zone));
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
            return timeZone is null || ReferenceEquals(timeZone, zone)
                ? time.Value
                : WallClock.ToWall(WallClock.ToUtcTicks(time.Value, timeZone), zone);
        }

        private DateTime UntilWall(DateTime until, bool isUtc, bool untilIsDate)
        {
            if (untilIsDate)
            {
                return isDate ? until : until.AddDays(1).AddTicks(-1); // a DATE UNTIL includes that whole day
            }

            return isUtc && zone is not null ? WallClock.ToWall(until.Ticks, zone) : until;
        }

        private long ToUtc(DateTime wall) => WallClock.ToUtcTicks(wall, zone);

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

            // The window in the series' wall time: a wall time is within WallMargin of its instant in every zone (and equal
            // to it in UTC), widened by the longest instance; the exact test comes after each instance's conversion.
            var zoneForInstances = zone ?? requestZone;
            var margin = ReferenceEquals(zoneForInstances, DateTimeZone.Utc) ? 0 : WallMargin;
            var fromWall = new DateTime(
                Math.Clamp(from - maxDuration - maxShift - margin, 0, DateTime.MaxValue.Ticks),
                DateTimeKind.Unspecified
            );
            var toWall = new DateTime(Math.Clamp(to + maxShift + margin, 0, DateTime.MaxValue.Ticks), DateTimeKind.Unspecified);

            Occurrences(fromWall, toWall, budget, occurrences);
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

                var (startUtc, endUtc, isBusy) = Place(wall, zoneForInstances);
                if (isBusy && Overlaps(startUtc, endUtc, from, to))
                {
                    Add(startUtc, endUtc, intervals); // counted against the budget when the rule produced it
                }
            }
        }

        /// <summary>The instances' wall times in [fromWall, toWall), from every rule (or DTSTART alone) and RDATE, in order.</summary>
        private void Occurrences(DateTime fromWall, DateTime toWall, ExpansionBudget budget, List<DateTime> occurrences)
        {
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
        }

        /// <summary>One instance as UTC ticks: its own period (an RDATE PERIOD) or the series' length, then moved by the last
        /// THISANDFUTURE override at or before it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private (long Start, long End, bool Busy) Place(DateTime wall, DateTimeZone zoneForInstances)
        {
            var startUtc = WallClock.ToUtcTicks(wall, zoneForInstances);
            var endUtc =
                dateDurations is not null && dateDurations.TryGetValue(wall.Ticks, out var periodTicks)
                    ? startUtc + periodTicks
                    : (nominalDays == 0 ? startUtc : WallClock.ToUtcTicks(wall.AddDays(nominalDays), zoneForInstances)) + exactTicks;
            for (var r = ranges.Length - 1; r >= 0; r--)
            {
                if (wall.Ticks >= ranges[r].FromWall)
                {
                    startUtc += ranges[r].ShiftTicks;
                    return (startUtc, startUtc + ranges[r].DurationTicks, ranges[r].Busy);
                }
            }

            return (startUtc, endUtc, busy);
        }
    }
}
