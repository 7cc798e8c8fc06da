using System.Runtime.CompilerServices;

namespace Cal.Infrastructure.Ical;

/// <summary>RFC 5545 value types read without allocating: DATE, DATE-TIME, DURATION, weekday codes.</summary>
internal static class IcalValues
{
    /// <summary>
    /// <c>YYYYMMDD</c> (a DATE), or <c>YYYYMMDDTHHMMSS</c> with an optional <c>Z</c> (a DATE-TIME; seconds may be left out,
    /// as some exporters do). The result is unspecified-kind wall time, or UTC time when <paramref name="isUtc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    public static bool TryParseDateOrDateTime(ReadOnlySpan<char> text, out DateTime value, out bool isDate, out bool isUtc)
    {
        value = default;
        isDate = false;
        isUtc = false;
        text = text.Trim();
        if (!TryParseDate(text, out var year, out var month, out var day))
        {
            return false;
        }

        if (text.Length == 8)
        {
            isDate = true;
            value = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
            return true;
        }

        if (text[8] is not ('T' or 't'))
        {
            return false;
        }

        var time = text[9..];
        if (time.Length > 0 && time[^1] is 'Z' or 'z')
        {
            isUtc = true;
            time = time[..^1];
        }

        if (!TryParseClock(time, out var hour, out var minute, out var second))
        {
            return false;
        }

        if (hour > 23 || minute > 59 || second > 60)
        {
            // 24:00:00 is sometimes written for the end of a day.
            if (hour == 24 && minute == 0 && second == 0)
            {
                value = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified).AddDays(1);
                return year < 9999 || month < 12 || day < 31;
            }

            return false;
        }

        value = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>The <c>YYYYMMDD</c> a value starts with, a day of the calendar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseDate(ReadOnlySpan<char> text, out int year, out int month, out int day)
    {
        (year, month, day) = (0, 0, 0);
        return text.Length >= 8
            && TryDigits(text[..4], out year)
            && TryDigits(text.Slice(4, 2), out month)
            && TryDigits(text.Slice(6, 2), out day)
            && year >= 1
            && month is >= 1 and <= 12
            && day >= 1
            && day <= DateTime.DaysInMonth(year, month);
    }

    /// <summary><c>HHMMSS</c> or <c>HHMM</c> (seconds 0), digits only; the ranges are the caller's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseClock(ReadOnlySpan<char> time, out int hour, out int minute, out int second)
    {
        (hour, minute, second) = (0, 0, 0);
        return (time.Length == 6 || time.Length == 4)
            && TryDigits(time[..2], out hour)
            && TryDigits(time.Slice(2, 2), out minute)
            && (time.Length == 4 || TryDigits(time.Slice(4, 2), out second));
    }

    /// <summary><c>[+-]P(nW | nDTnHnMnS)</c>; <paramref name="days"/> and weeks are nominal (wall-clock days), the time part
    /// exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
    public static bool TryParseDuration(ReadOnlySpan<char> text, out int days, out TimeSpan exact)
    {
        days = 0;
        exact = TimeSpan.Zero;
        text = text.Trim();
        var negative = !text.IsEmpty && text[0] == '-';
        if (!text.IsEmpty && text[0] is '+' or '-')
        {
            text = text[1..];
        }

        if (text.IsEmpty || text[0] is not ('P' or 'p'))
        {
            return false;
        }

        text = text[1..];
        var inTime = false;
        var any = false;
        long number = -1;
        long seconds = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                number = (number < 0 ? 0 : number) * 10 + (c - '0');
                if (number > 100_000_000)
                {
                    return false;
                }

                continue;
            }

            if (!TryApplyDesignator(c, number, ref inTime, ref days, ref seconds))
            {
                return false;
            }

            if (c is 'T' or 't')
            {
                continue; // the time part starts: no value yet
            }

            any = true;
            number = -1;
        }

        if (!any || number >= 0 || days > 3_650_000 || seconds > 100_000_000_000)
        {
            return false;
        }

        exact = TimeSpan.FromSeconds(negative ? -seconds : seconds);
        days = negative ? -days : days;
        return true;
    }

    /// <summary>
    /// One designator after its number (<paramref name="number"/> is -1 for none): <c>T</c> starts the time part (no number
    /// before it), <c>W</c> and <c>D</c> only before it, <c>H</c>, <c>M</c>, <c>S</c> only in it. False: out of place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryApplyDesignator(char designator, long number, ref bool inTime, ref int days, ref long seconds)
    {
        switch (char.ToUpperInvariant(designator))
        {
            case 'T' when !inTime && number < 0:
                inTime = true;
                return true;
            case 'W' when !inTime && number >= 0:
                days += checked((int)number * 7);
                return true;
            case 'D' when !inTime && number >= 0:
                days += (int)number;
                return true;
            case 'H' when inTime && number >= 0:
                seconds += number * 3600;
                return true;
            case 'M' when inTime && number >= 0:
                seconds += number * 60;
                return true;
            case 'S' when inTime && number >= 0:
                seconds += number;
                return true;
            default:
                return false;
        }
    }

    public static DayOfWeek? ParseWeekday(ReadOnlySpan<char> code) =>
        code switch
        {
            _ when code.Equals("SU", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Sunday,
            _ when code.Equals("MO", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Monday,
            _ when code.Equals("TU", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Tuesday,
            _ when code.Equals("WE", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Wednesday,
            _ when code.Equals("TH", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Thursday,
            _ when code.Equals("FR", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Friday,
            _ when code.Equals("SA", StringComparison.OrdinalIgnoreCase) => DayOfWeek.Saturday,
            _ => null,
        };

    /// <summary><c>+HHMM</c>, <c>-HHMM</c> or <c>+HHMMSS</c> (a UTC offset).</summary>
    public static bool TryParseOffset(ReadOnlySpan<char> text, out TimeSpan offset)
    {
        offset = default;
        text = text.Trim();
        if (
            text.Length is not (5 or 7)
            || text[0] is not ('+' or '-')
            || !TryDigits(text.Slice(1, 2), out var hours)
            || !TryDigits(text.Slice(3, 2), out var minutes)
            || minutes > 59
            || hours > 23
        )
        {
            return false;
        }

        var seconds = 0;
        if (text.Length == 7 && (!TryDigits(text.Slice(5, 2), out seconds) || seconds > 59))
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, seconds);
        if (text[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = value * 10 + (c - '0');
        }

        return !text.IsEmpty;
    }
}
