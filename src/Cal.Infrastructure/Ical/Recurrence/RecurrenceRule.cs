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
    public Frequency Frequency { get; private set; }

    public int Interval { get; private set; } = 1;

    public int? Count { get; private set; }

    /// <summary>UNTIL's wall time (or UTC time when <see cref="UntilIsUtc"/>), or null.</summary>
    public DateTime? Until { get; private set; }

    public bool UntilIsUtc { get; private set; }

    public bool UntilIsDate { get; private set; }

    public DayOfWeek WeekStart { get; private set; } = DayOfWeek.Monday;

    public int[]? ByMonth { get; private set; }

    public int[]? ByWeekNo { get; private set; }

    public int[]? ByYearDay { get; private set; }

    public int[]? ByMonthDay { get; private set; }

    public WeekdayNum[]? ByDay { get; private set; }

    public int[]? ByHour { get; private set; }

    public int[]? ByMinute { get; private set; }

    public int[]? BySecond { get; private set; }

    public int[]? BySetPos { get; private set; }

    /// <summary>The longest INTERVAL accepted; a larger one is refused as nonsense (it would also overflow the date arithmetic).</summary>
    public const int MaxInterval = 100_000;

    /// <summary>Parses <c>FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=...</c>; null when the value is not a usable rule (no or unknown FREQ, a part out
    /// of range).</summary>
    public static RecurrenceRule? Parse(ReadOnlySpan<char> value)
    {
        var rule = new RecurrenceRule();
        var hasFrequency = false;
        foreach (var partRange in value.Split(';'))
        {
            var part = value[partRange].Trim();
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            if (equals <= 0 || !rule.TryRead(part[..equals].Trim(), part[(equals + 1)..].Trim(), ref hasFrequency))
            {
                return null;
            }
        }

        if (!hasFrequency)
        {
            return null;
        }

        if (rule.Until is not null)
        {
            rule.Count = null; // both is invalid; UNTIL is the safer reading (it bounds the rule)
        }

        return rule;
    }

    /// <summary>One <c>NAME=value</c> part: FREQ, INTERVAL, COUNT, UNTIL and WKST here, the BY parts after; false when it is out of
    /// range or unreadable.</summary>
    private bool TryRead(ReadOnlySpan<char> name, ReadOnlySpan<char> text, ref bool hasFrequency)
    {
        if (Is(name, "FREQ"))
        {
            if (ParseFrequency(text) is not { } frequency)
            {
                return false;
            }

            (Frequency, hasFrequency) = (frequency, true);
            return true;
        }

        if (Is(name, "INTERVAL"))
        {
            var read = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var interval);
            Interval = interval;
            return read && interval >= 1 && interval <= MaxInterval;
        }

        if (Is(name, "COUNT"))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                return false;
            }

            Count = count;
            return true;
        }

        if (Is(name, "UNTIL"))
        {
            if (!IcalValues.TryParseDateOrDateTime(text, out var until, out var isDate, out var isUtc))
            {
                return false;
            }

            (Until, UntilIsDate, UntilIsUtc) = (until, isDate, isUtc);
            return true;
        }

        if (Is(name, "WKST"))
        {
            if (IcalValues.ParseWeekday(text) is not { } weekStart)
            {
                return false;
            }

            WeekStart = weekStart;
            return true;
        }

        return TryReadBy(name, text);
    }

    /// <summary>The BY parts, each a list in its range (BYSECOND's 60, a leap second the civil calendar here has not, read as
    /// 59); X- and unknown parts are ignored, as RFC 5545 allows.</summary>
    private bool TryReadBy(ReadOnlySpan<char> name, ReadOnlySpan<char> text) =>
        name switch
        {
            _ when Is(name, "BYMONTH") => (ByMonth = Numbers(text, 1, 12, allowNegative: false)) is not null,
            _ when Is(name, "BYWEEKNO") => (ByWeekNo = Numbers(text, 1, 53, allowNegative: true)) is not null,
            _ when Is(name, "BYYEARDAY") => (ByYearDay = Numbers(text, 1, 366, allowNegative: true)) is not null,
            _ when Is(name, "BYMONTHDAY") => (ByMonthDay = Numbers(text, 1, 31, allowNegative: true)) is not null,
            _ when Is(name, "BYDAY") => (ByDay = Weekdays(text)) is not null,
            _ when Is(name, "BYHOUR") => (ByHour = Numbers(text, 0, 23, allowNegative: false)) is not null,
            _ when Is(name, "BYMINUTE") => (ByMinute = Numbers(text, 0, 59, allowNegative: false)) is not null,
            _ when Is(name, "BYSECOND") => (
                BySecond = Numbers(text, 0, 60, allowNegative: false)?.Select(s => Math.Min(s, 59)).Distinct().Order().ToArray()
            )
                is not null,
            _ when Is(name, "BYSETPOS") => (BySetPos = Numbers(text, 1, 366, allowNegative: true)) is not null,
            _ => true,
        };

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
