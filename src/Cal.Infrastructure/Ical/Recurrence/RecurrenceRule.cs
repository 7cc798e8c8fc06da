using System.Globalization;

namespace Cal.Infrastructure.Ical.Recurrence;

internal enum Frequency
{
    Secondly,
    Minutely,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// <summary>One BYDAY entry: a weekday, and for MONTHLY/YEARLY rules an optional ordinal (<c>-1SU</c>, <c>2MO</c>; 0 = every).</summary>
internal readonly record struct WeekdayNum(int Ordinal, DayOfWeek Day);

/// <summary>
/// An RFC 5545 RRULE value, parsed once (when a feed is indexed). UNTIL is kept as written (its form decides how it
/// is compared: an instant, a floating time or a date); the expander (<see cref="RecurrenceExpander"/>) works in wall time.
/// </summary>
internal sealed class RecurrenceRule
{
    public Frequency Frequency { get; private init; }

    public int Interval { get; private init; } = 1;

    public int? Count { get; private init; }

    /// <summary>UNTIL's wall time (or UTC time when <see cref="UntilIsUtc"/>), or null.</summary>
    public DateTime? Until { get; private init; }

    public bool UntilIsUtc { get; private init; }

    public bool UntilIsDate { get; private init; }

    public DayOfWeek WeekStart { get; private init; } = DayOfWeek.Monday;

    public int[]? ByMonth { get; private init; }

    public int[]? ByWeekNo { get; private init; }

    public int[]? ByYearDay { get; private init; }

    public int[]? ByMonthDay { get; private init; }

    public WeekdayNum[]? ByDay { get; private init; }

    public int[]? ByHour { get; private init; }

    public int[]? ByMinute { get; private init; }

    public int[]? BySecond { get; private init; }

    public int[]? BySetPos { get; private init; }

    /// <summary>The longest INTERVAL accepted; a larger one is refused as nonsense (it would also overflow the date arithmetic).</summary>
    public const int MaxInterval = 100_000;

    /// <summary>Parses <c>FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=...</c>; null when the value is not a usable rule (no or unknown FREQ, a part out
    /// of range).</summary>
    public static RecurrenceRule? Parse(ReadOnlySpan<char> value)
    {
        Frequency? frequency = null;
        int interval = 1;
        int? count = null;
        DateTime? until = null;
        bool untilIsUtc = false,
            untilIsDate = false;
        var weekStart = DayOfWeek.Monday;
        int[]? byMonth = null,
            byWeekNo = null,
            byYearDay = null,
            byMonthDay = null,
            byHour = null,
            byMinute = null,
            bySecond = null,
            bySetPos = null;
        WeekdayNum[]? byDay = null;

        foreach (var partRange in value.Split(';'))
        {
            var part = value[partRange].Trim();
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return null;
            }

            var name = part[..equals].Trim();
            var text = part[(equals + 1)..].Trim();
            switch (name)
            {
                case var _ when Is(name, "FREQ"):
                    frequency = ParseFrequency(text);
                    if (frequency is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "INTERVAL"):
                    if (
                        !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out interval)
                        || interval < 1
                        || interval > MaxInterval
                    )
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "COUNT"):
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c < 1)
                    {
                        return null;
                    }

                    count = c;
                    break;
                case var _ when Is(name, "UNTIL"):
                    if (!IcalValues.TryParseDateOrDateTime(text, out var u, out untilIsDate, out untilIsUtc))
                    {
                        return null;
                    }

                    until = u;
                    break;
                case var _ when Is(name, "WKST"):
                    if (IcalValues.ParseWeekday(text) is not { } wkst)
                    {
                        return null;
                    }

                    weekStart = wkst;
                    break;
                case var _ when Is(name, "BYMONTH"):
                    if ((byMonth = Numbers(text, 1, 12, allowNegative: false)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYWEEKNO"):
                    if ((byWeekNo = Numbers(text, 1, 53, allowNegative: true)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYYEARDAY"):
                    if ((byYearDay = Numbers(text, 1, 366, allowNegative: true)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYMONTHDAY"):
                    if ((byMonthDay = Numbers(text, 1, 31, allowNegative: true)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYDAY"):
                    if ((byDay = Weekdays(text)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYHOUR"):
                    if ((byHour = Numbers(text, 0, 23, allowNegative: false)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYMINUTE"):
                    if ((byMinute = Numbers(text, 0, 59, allowNegative: false)) is null)
                    {
                        return null;
                    }

                    break;
                case var _ when Is(name, "BYSECOND"):
                    // 60 is a leap second, which the civil calendar here has not: read as 59.
                    if ((bySecond = Numbers(text, 0, 60, allowNegative: false)) is null)
                    {
                        return null;
                    }

                    bySecond = bySecond.Select(s => Math.Min(s, 59)).Distinct().Order().ToArray();
                    break;
                case var _ when Is(name, "BYSETPOS"):
                    if ((bySetPos = Numbers(text, 1, 366, allowNegative: true)) is null)
                    {
                        return null;
                    }

                    break;
                default:
                    break; // X- and unknown parts are ignored, as RFC 5545 allows
            }
        }

        if (frequency is not { } freq)
        {
            return null;
        }

        return new RecurrenceRule
        {
            Frequency = freq,
            Interval = interval,
            Count = until is null ? count : null, // both is invalid; UNTIL is the safer reading (it bounds the rule)
            Until = until,
            UntilIsUtc = untilIsUtc,
            UntilIsDate = untilIsDate,
            WeekStart = weekStart,
            ByMonth = byMonth,
            ByWeekNo = byWeekNo,
            ByYearDay = byYearDay,
            ByMonthDay = byMonthDay,
            ByDay = byDay,
            ByHour = byHour,
            ByMinute = byMinute,
            BySecond = bySecond,
            BySetPos = bySetPos,
        };
    }

    private static bool Is(ReadOnlySpan<char> name, string expected) => name.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static Frequency? ParseFrequency(ReadOnlySpan<char> text) =>
        text switch
        {
            _ when Is(text, "SECONDLY") => Frequency.Secondly,
            _ when Is(text, "MINUTELY") => Frequency.Minutely,
            _ when Is(text, "HOURLY") => Frequency.Hourly,
            _ when Is(text, "DAILY") => Frequency.Daily,
            _ when Is(text, "WEEKLY") => Frequency.Weekly,
            _ when Is(text, "MONTHLY") => Frequency.Monthly,
            _ when Is(text, "YEARLY") => Frequency.Yearly,
            _ => null,
        };

    private static int[]? Numbers(ReadOnlySpan<char> text, int min, int max, bool allowNegative)
    {
        var values = new List<int>();
        foreach (var range in text.Split(','))
        {
            var item = text[range].Trim();
            if (!int.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            var magnitude = Math.Abs(n);
            if (magnitude < min || magnitude > max || (n < 0 && !allowNegative) || (n == 0 && min > 0))
            {
                return null;
            }

            values.Add(n);
        }

        return values.Count == 0 ? null : values.Distinct().Order().ToArray();
    }

    private static WeekdayNum[]? Weekdays(ReadOnlySpan<char> text)
    {
        var values = new List<WeekdayNum>();
        foreach (var range in text.Split(','))
        {
            var item = text[range].Trim();
            if (item.Length < 2 || IcalValues.ParseWeekday(item[^2..]) is not { } day)
            {
                return null;
            }

            var ordinal = 0;
            if (
                item.Length > 2
                && (
                    !int.TryParse(item[..^2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ordinal)
                    || ordinal == 0
                    || Math.Abs(ordinal) > 53
                )
            )
            {
                return null;
            }

            values.Add(new WeekdayNum(ordinal, day));
        }

        return values.Count == 0 ? null : values.Distinct().ToArray();
    }
}
