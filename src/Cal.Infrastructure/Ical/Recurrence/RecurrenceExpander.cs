namespace Cal.Infrastructure.Ical.Recurrence;

/// <summary>
/// Expands one RRULE in wall time (RFC 5545 §3.3.10, with the BYxxx defaults and day-set algorithm python-dateutil
/// and ical.js use): period by period (a year, month, week, day, hour, minute or second, INTERVAL apart), the days
/// of the period that pass every BY rule, times them, BYSETPOS. DTSTART is always the first instance.
/// <para>
/// Bounded by construction: without COUNT the walk starts at the period just before <c>from</c> (arithmetic, not one
/// period at a time from DTSTART); a period whose day (or hour, minute) fails the BY rules is skipped to the next day
/// (hour, minute) in one step; a simple COUNT rule (no BY rule beyond DTSTART's own) jumps to the window too; and
/// every period costs one <see cref="ExpansionBudget.Step"/>, so a rule that never matches
/// (<c>FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30</c>) ends at the window's end or the budget's deadline.
/// </para>
/// </summary>
internal sealed class RecurrenceExpander
{
    private static readonly int[] AllMonths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    private readonly RecurrenceRule rule;
    private readonly DateTime start;
    private readonly int[]? byMonth;
    private readonly int[]? byMonthDay;
    private readonly WeekdayNum[]? byDay;
    private readonly int[] hours;
    private readonly int[] minutes;
    private readonly int[] seconds;
    private readonly TimeSpan[] timesOfDay;
    private readonly bool hasDayFilter;

    /// <summary>Simple rules (fixed step: no BY rule beyond DTSTART's own, no month or year arithmetic) can jump straight to any
    /// instance.</summary>
    private readonly long fixedStepTicks;

    /// <summary>Reused between walks; an expander belongs to one index and is read by one request at a time per thread.</summary>
    [ThreadStatic]
    private static List<DateTime>? scratch;

    public RecurrenceExpander(RecurrenceRule rule, DateTime start)
    {
        this.rule = rule;
        this.start = start;
        (byMonth, byMonthDay, byDay) = DayRules(rule, start);
        hours = rule.ByHour ?? (rule.Frequency > Frequency.Hourly ? [start.Hour] : []);
        minutes = rule.ByMinute ?? (rule.Frequency > Frequency.Minutely ? [start.Minute] : []);
        seconds = rule.BySecond ?? (rule.Frequency > Frequency.Secondly ? [start.Second] : []);
        timesOfDay =
            rule.Frequency > Frequency.Hourly ? [.. from h in hours from m in minutes from s in seconds select new TimeSpan(h, m, s)] : [];
        Array.Sort(timesOfDay);
        hasDayFilter =
            byMonth is not null || rule.ByWeekNo is not null || rule.ByYearDay is not null || byMonthDay is not null || byDay is not null;
        fixedStepTicks = FixedStepTicks(rule, start);
    }

    /// <summary>
    /// BYMONTH, BYMONTHDAY and BYDAY with RFC 5545's defaults from DTSTART: a rule that names no day takes DTSTART's (its
    /// month and day for YEARLY, its day for MONTHLY, its weekday for WEEKLY); BYWEEKNO names weeks, not days, so a YEARLY rule
    /// with weeks alone takes DTSTART's weekday (libical and Ical.Net read it so).
    /// </summary>
    private static (int[]? ByMonth, int[]? ByMonthDay, WeekdayNum[]? ByDay) DayRules(RecurrenceRule rule, DateTime start)
    {
        if (rule.ByWeekNo is null && rule.ByYearDay is null && rule.ByMonthDay is null && rule.ByDay is null)
        {
            return rule.Frequency switch
            {
                Frequency.Yearly => (rule.ByMonth ?? [start.Month], [start.Day], null),
                Frequency.Monthly => (rule.ByMonth, [start.Day], null),
                Frequency.Weekly => (rule.ByMonth, null, [new WeekdayNum(0, start.DayOfWeek)]),
                _ => (rule.ByMonth, null, null),
            };
        }

        var weeksAlone = rule.Frequency == Frequency.Yearly && rule.ByWeekNo is not null && rule.ByDay is null && rule.ByYearDay is null;
        return (rule.ByMonth, rule.ByMonthDay, weeksAlone && rule.ByMonthDay is null ? [new WeekdayNum(0, start.DayOfWeek)] : rule.ByDay);
    }

    /// <summary>The fixed step of a simple rule (no BY rule beyond DTSTART's own, no month or year arithmetic); 0 for others.</summary>
    private static long FixedStepTicks(RecurrenceRule rule, DateTime start)
    {
        var simple =
            rule.ByMonth is null
            && rule.ByWeekNo is null
            && rule.ByYearDay is null
            && rule.ByMonthDay is null
            && rule.ByHour is null
            && rule.ByMinute is null
            && rule.BySecond is null
            && rule.BySetPos is null
            && (
                rule.ByDay is null
                || (rule.Frequency == Frequency.Weekly && rule.ByDay is [{ Ordinal: 0 } only] && only.Day == start.DayOfWeek)
            );
        return !simple
            ? 0
            : rule.Frequency switch
            {
                Frequency.Secondly => TimeSpan.TicksPerSecond * rule.Interval,
                Frequency.Minutely => TimeSpan.TicksPerMinute * rule.Interval,
                Frequency.Hourly => TimeSpan.TicksPerHour * rule.Interval,
                Frequency.Daily => TimeSpan.TicksPerDay * rule.Interval,
                Frequency.Weekly => TimeSpan.TicksPerDay * 7 * rule.Interval,
                _ => 0,
            };
    }

    /// <summary>
    /// Appends to <paramref name="output"/>, in order, every instance in [<paramref name="from"/>, <paramref name="end"/>)
    /// that is not after <paramref name="untilWall"/> (inclusive; null: none) and within COUNT. Returns false when the
    /// budget ran out first (the output is then incomplete).
    /// </summary>
    public bool Expand(DateTime from, DateTime end, DateTime? untilWall, ExpansionBudget budget, List<DateTime> output) =>
        Walk(from, end, untilWall, rule.Count, budget, output, out _);

    /// <summary>
    /// The last instance of a COUNT rule (so it can be bounded like an UNTIL rule and jumped into), or null when the
    /// rule has no COUNT or the budget ran out before the count did.
    /// </summary>
    public DateTime? LastInstance(ExpansionBudget budget) =>
        rule.Count is { } count && Walk(DateTime.MaxValue, DateTime.MaxValue, null, count, budget, output: null, out var last)
            ? last
            : null;

    /// <summary>As <see cref="Expand"/>, but with COUNT replaced by an UNTIL already known to be its last instance.</summary>
    public bool ExpandUntil(DateTime from, DateTime end, DateTime untilWall, ExpansionBudget budget, List<DateTime> output) =>
        Walk(from, end, untilWall, maxCount: null, budget, output, out _);

    private bool Walk(
        DateTime from,
        DateTime end,
        DateTime? untilWall,
        int? maxCount,
        ExpansionBudget budget,
        List<DateTime>? output,
        out DateTime lastCounted
    )
    {
        lastCounted = start;
        if (output is not null && start >= from && start < end && (untilWall is null || start <= untilWall))
        {
            if (!budget.TakeOccurrence())
            {
                return false;
            }

            output.Add(start);
        }

        if (maxCount == 1)
        {
            return true;
        }

        var last = untilWall is { } u && u < end ? u : end.AddTicks(-1);
        if (last <= start)
        {
            return true;
        }

        if (fixedStepTicks > 0)
        {
            var steps = (last - start).Ticks / fixedStepTicks;
            lastCounted =
                maxCount is { } c && c - 1L < steps ? start.AddTicks((c - 1L) * fixedStepTicks) : start.AddTicks(steps * fixedStepTicks);
            return output is null || ExpandFixedStep(from, last, maxCount, budget, output);
        }

        return WalkPeriods(from, last, maxCount, budget, output, ref lastCounted);
    }

    /// <summary>Period by period from DTSTART's (or, without COUNT, the one just before <paramref name="from"/>), each period's
    /// candidates in order, up to <paramref name="last"/> or COUNT; false when the budget ran out.</summary>
    private bool WalkPeriods(
        DateTime from,
        DateTime last,
        int? maxCount,
        ExpansionBudget budget,
        List<DateTime>? output,
        ref DateTime lastCounted
    )
    {
        var count = 1L;
        var cursor = new Cursor(rule, start);
        if (maxCount is null)
        {
            cursor.FastForward(from);
        }

        var candidates = scratch ??= [];
        while (true)
        {
            if (!budget.Step())
            {
                return false;
            }

            if (cursor.PeriodStart > last || cursor.Overflowed)
            {
                return true;
            }

            candidates.Clear();
            var skip = Candidates(ref cursor, candidates);
            foreach (var candidate in candidates)
            {
                if (candidate <= start)
                {
                    continue;
                }

                if (candidate > last || (maxCount is { } max && ++count > max))
                {
                    return true;
                }

                lastCounted = candidate;
                if (output is not null && candidate >= from)
                {
                    if (!budget.TakeOccurrence())
                    {
                        return false;
                    }

                    output.Add(candidate);
                }
            }

            cursor.Advance(skip);
        }
    }

    /// <summary>DTSTART + k × step for k ≥ 1 (and below COUNT): the instance at or just before the window is computed, not walked
    /// to.</summary>
    private bool ExpandFixedStep(DateTime from, DateTime last, int? maxCount, ExpansionBudget budget, List<DateTime> output)
    {
        var k = from > start ? Math.Max(1, (from - start).Ticks / fixedStepTicks) : 1;
        var maxK = maxCount is { } count ? count - 1L : long.MaxValue;
        for (; k <= maxK; k++)
        {
            if (!budget.Step())
            {
                return false;
            }

            var ticks = start.Ticks + (k * fixedStepTicks);
            if (k > (DateTime.MaxValue.Ticks - start.Ticks) / fixedStepTicks || ticks > last.Ticks)
            {
                return true;
            }

            if (ticks >= from.Ticks)
            {
                if (!budget.TakeOccurrence())
                {
                    return false;
                }

                output.Add(new DateTime(ticks, DateTimeKind.Unspecified));
            }
        }

        return true;
    }

    /// <summary>What the cursor's period holds, sorted, BYSETPOS applied; returns how far a sub-daily cursor may skip when nothing could
    /// match.</summary>
    private Skip Candidates(ref Cursor cursor, List<DateTime> candidates)
    {
        switch (rule.Frequency)
        {
            case Frequency.Yearly:
                foreach (var month in byMonth ?? AllMonths)
                {
                    AddMonth(cursor.Year, month, candidates);
                }

                break;
            case Frequency.Monthly:
                if (byMonth is null || Array.IndexOf(byMonth, cursor.Month) >= 0)
                {
                    AddMonth(cursor.Year, cursor.Month, candidates);
                }

                break;
            case Frequency.Weekly:
                for (var i = 0; i < 7 && !cursor.Overflowed; i++)
                {
                    if (cursor.Day.Ticks + (i * TimeSpan.TicksPerDay) < DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay)
                    {
                        AddDay(cursor.Day.AddDays(i), candidates);
                    }
                }

                break;
            case Frequency.Daily:
                AddDay(cursor.Day, candidates);
                break;
            default:
                if (SubDaily(cursor.Time, candidates) is var skip && skip != Skip.None)
                {
                    return skip;
                }

                break;
        }

        if (rule.BySetPos is { } positions && candidates.Count > 0)
        {
            KeepPositions(positions, candidates);
        }

        return Skip.None;
    }

    private void AddMonth(int year, int month, List<DateTime> candidates)
    {
        var days = DateTime.DaysInMonth(year, month);
        for (var day = 1; day <= days; day++)
        {
            AddDay(new DateTime(year, month, day), candidates);
        }
    }

    /// <summary>An HOURLY, MINUTELY or SECONDLY period's instances; or, when its day, hour or minute cannot match, how far to
    /// skip.</summary>
    private Skip SubDaily(DateTime t, List<DateTime> candidates)
    {
        if (hasDayFilter && !DayMatches(t.Date))
        {
            return Skip.ToNextDay;
        }

        if (rule.ByHour is { } bh && Array.IndexOf(bh, t.Hour) < 0)
        {
            return Skip.ToNextHour;
        }

        if (rule.Frequency == Frequency.Hourly)
        {
            foreach (var m in minutes.Length == 0 ? [t.Minute] : minutes)
            {
                foreach (var s in seconds.Length == 0 ? [t.Second] : seconds)
                {
                    candidates.Add(t.Date.Add(new TimeSpan(t.Hour, m, s)));
                }
            }

            return Skip.None;
        }

        if (rule.ByMinute is { } bm && Array.IndexOf(bm, t.Minute) < 0)
        {
            return Skip.ToNextMinute;
        }

        if (rule.Frequency == Frequency.Minutely)
        {
            foreach (var s in seconds.Length == 0 ? [t.Second] : seconds)
            {
                candidates.Add(t.Date.Add(new TimeSpan(t.Hour, t.Minute, s)));
            }

            return Skip.None;
        }

        if (rule.BySecond is null || Array.IndexOf(rule.BySecond, t.Second) >= 0)
        {
            candidates.Add(t);
        }

        return Skip.None;
    }

    /// <summary>BYSETPOS: the period's candidates at those positions (1-based, negative from the end), in order, once each.</summary>
    private static void KeepPositions(int[] positions, List<DateTime> candidates)
    {
        candidates.Sort();
        var chosen = new List<DateTime>(positions.Length);
        foreach (var position in positions)
        {
            var index = position > 0 ? position - 1 : candidates.Count + position;
            if (index >= 0 && index < candidates.Count)
            {
                chosen.Add(candidates[index]);
            }
        }

        candidates.Clear();
        candidates.AddRange(chosen.Distinct().Order());
    }

    private void AddDay(DateTime day, List<DateTime> candidates)
    {
        if (!DayMatches(day))
        {
            return;
        }

        foreach (var time in timesOfDay)
        {
            candidates.Add(day + time);
        }
    }

    private bool DayMatches(DateTime day)
    {
        if (byMonth is not null && Array.IndexOf(byMonth, day.Month) < 0)
        {
            return false;
        }

        if (rule.ByWeekNo is { } weekNumbers && !WeekNumberMatches(day, weekNumbers))
        {
            return false;
        }

        if (rule.ByYearDay is { } yearDays)
        {
            var daysInYear = DateTime.IsLeapYear(day.Year) ? 366 : 365;
            if (Array.IndexOf(yearDays, day.DayOfYear) < 0 && Array.IndexOf(yearDays, day.DayOfYear - daysInYear - 1) < 0)
            {
                return false;
            }
        }

        if (byMonthDay is not null)
        {
            var daysInMonth = DateTime.DaysInMonth(day.Year, day.Month);
            if (Array.IndexOf(byMonthDay, day.Day) < 0 && Array.IndexOf(byMonthDay, day.Day - daysInMonth - 1) < 0)
            {
                return false;
            }
        }

        return byDay is null || WeekdayMatches(day, byDay);
    }

    private bool WeekdayMatches(DateTime day, WeekdayNum[] weekdays)
    {
        foreach (var weekday in weekdays)
        {
            if (weekday.Day != day.DayOfWeek)
            {
                continue;
            }

            if (weekday.Ordinal == 0)
            {
                return true;
            }

            // An ordinal counts within the month (MONTHLY, or YEARLY with BYMONTH) or the year (YEARLY); elsewhere RFC 5545 gives it no
            // meaning.
            if (rule.Frequency == Frequency.Monthly || (rule.Frequency == Frequency.Yearly && rule.ByMonth is not null))
            {
                var daysInMonth = DateTime.DaysInMonth(day.Year, day.Month);
                if (
                    (weekday.Ordinal > 0 && ((day.Day - 1) / 7) + 1 == weekday.Ordinal)
                    || (weekday.Ordinal < 0 && ((daysInMonth - day.Day) / 7) + 1 == -weekday.Ordinal)
                )
                {
                    return true;
                }
            }
            else if (rule.Frequency == Frequency.Yearly && rule.ByWeekNo is null)
            {
                var daysInYear = DateTime.IsLeapYear(day.Year) ? 366 : 365;
                if (
                    (weekday.Ordinal > 0 && ((day.DayOfYear - 1) / 7) + 1 == weekday.Ordinal)
                    || (weekday.Ordinal < 0 && ((daysInYear - day.DayOfYear) / 7) + 1 == -weekday.Ordinal)
                )
                {
                    return true;
                }
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 5545 week numbers: weeks start on WKST, week 1 is the first with at least four days of the year.</summary>
    private bool WeekNumberMatches(DateTime day, int[] weekNumbers)
    {
        var (week, weeksInYear) = WeekNumber(day, rule.WeekStart);
        return Array.IndexOf(weekNumbers, week) >= 0 || Array.IndexOf(weekNumbers, week - weeksInYear - 1) >= 0;
    }

    private static (int Week, int WeeksInYear) WeekNumber(DateTime day, DayOfWeek weekStart)
    {
        var year = day.Year;
        var firstWeek = FirstWeekStart(year, weekStart);
        if (day < firstWeek)
        {
            year--;
            firstWeek = FirstWeekStart(year, weekStart);
        }
        else
        {
            var next = FirstWeekStart(year + 1, weekStart);
            if (day >= next)
            {
                year++;
                firstWeek = next;
            }
        }

        var weeks = (int)((FirstWeekStart(year + 1, weekStart) - firstWeek).TotalDays / 7);
        return (((int)(day - firstWeek).TotalDays / 7) + 1, weeks);
    }

    private static DateTime FirstWeekStart(int year, DayOfWeek weekStart)
    {
        var january1 = new DateTime(Math.Clamp(year, 1, 9998), 1, 1);
        var back = ((int)january1.DayOfWeek - (int)weekStart + 7) % 7;
        var weekOfJanuary1 = january1.AddDays(-Math.Min(back, (january1 - DateTime.MinValue).Days));
        // The week holding 1 January is week 1 when at least four of its days are in the new year.
        return 7 - back >= 4 ? weekOfJanuary1 : weekOfJanuary1.AddDays(7);
    }

    private enum Skip
    {
        None,
        ToNextDay,
        ToNextHour,
        ToNextMinute,
    }

    /// <summary>Where the walk is: a year, month, week (its first day), day, or a time for sub-daily rules.</summary>
    private struct Cursor(RecurrenceRule rule, DateTime start)
    {
        private readonly Frequency frequency = rule.Frequency;
        private readonly int interval = rule.Interval;

        public int Year = start.Year;
        public int Month = start.Month;
        public DateTime Day =
            rule.Frequency == Frequency.Weekly
                ? start.Date.AddDays(-Math.Min(((int)start.DayOfWeek - (int)rule.WeekStart + 7) % 7, (start.Date - DateTime.MinValue).Days))
                : start.Date;
        public DateTime Time = rule.Frequency switch
        {
            Frequency.Hourly => start.Date.AddHours(start.Hour),
            Frequency.Minutely => start.Date.AddHours(start.Hour).AddMinutes(start.Minute),
            _ => start,
        };

        public bool Overflowed;

        public readonly DateTime PeriodStart =>
            frequency switch
            {
                Frequency.Yearly => new DateTime(Year, 1, 1),
                Frequency.Monthly => new DateTime(Year, Month, 1),
                Frequency.Weekly or Frequency.Daily => Day,
                _ => Time,
            };

        private readonly long UnitTicks =>
            frequency switch
            {
                Frequency.Hourly => TimeSpan.TicksPerHour,
                Frequency.Minutely => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerSecond,
            };

        /// <summary>Moves whole INTERVALs forward to the last period starting well before <paramref name="from"/>.</summary>
        public void FastForward(DateTime from)
        {
            long periods = frequency switch
            {
                Frequency.Yearly => from.Year - Year,
                Frequency.Monthly => ((from.Year * 12L) + from.Month) - ((Year * 12L) + Month),
                Frequency.Weekly => (from - Day).Ticks / (7 * TimeSpan.TicksPerDay),
                Frequency.Daily => (from - Day).Ticks / TimeSpan.TicksPerDay,
                _ => (from - Time).Ticks / UnitTicks,
            };
            var steps = (periods / interval) - 1;
            if (steps > 0)
            {
                Move(steps * interval);
            }
        }

        public void Advance(Skip skip)
        {
            if (skip == Skip.None || frequency > Frequency.Hourly)
            {
                Move(interval);
                return;
            }

            // Whole intervals up to the next day (hour, minute), so the cursor stays on DTSTART's grid.
            var boundary = skip switch
            {
                Skip.ToNextDay => Time.Date.AddDays(1),
                Skip.ToNextHour => Time.Date.AddHours(Time.Hour + 1),
                _ => Time.Date.AddHours(Time.Hour).AddMinutes(Time.Minute + 1),
            };
            var units = (boundary - Time).Ticks / UnitTicks;
            Move(Math.Max(1, (units + interval - 1) / interval) * interval);
        }

        private void Move(long units)
        {
            try
            {
                switch (frequency)
                {
                    case Frequency.Yearly:
                        Year = checked((int)(Year + units));
                        Overflowed = Year > 9998;
                        break;
                    case Frequency.Monthly:
                        var months = checked((Year * 12L) + (Month - 1) + units);
                        Year = (int)(months / 12);
                        Month = (int)(months % 12) + 1;
                        Overflowed = Year > 9998;
                        break;
                    case Frequency.Weekly:
                        Day = Day.AddDays(checked(units * 7));
                        break;
                    case Frequency.Daily:
                        Day = Day.AddDays(units);
                        break;
                    default:
                        Time = Time.AddTicks(checked(units * UnitTicks));
                        break;
                }

                Overflowed |= Day.Year > 9998 || Time.Year > 9998;
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
            {
                Overflowed = true;
            }
        }
    }
}
