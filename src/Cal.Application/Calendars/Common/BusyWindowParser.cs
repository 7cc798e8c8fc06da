using System.Globalization;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// cal.com's <c>dateFrom</c>/<c>dateTo</c>: an ISO date (midnight in <c>loggedInUsersTz</c>), a date-time with
/// <c>Z</c> or an offset (that instant), or a date-time without one (wall time in <c>loggedInUsersTz</c>).
/// </summary>
public static class BusyWindowParser
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    /// <summary>
    /// An instant from <paramref name="value"/>; a date alone is that day's start in <paramref name="zone"/>, or with
    /// <paramref name="endOfDay"/> (a <c>dateTo</c>) the next day's start, so <c>dateFrom</c> = <c>dateTo</c> is one whole day.
    /// </summary>
    public static bool TryParseInstant(string? value, TimeZoneInfo zone, out DateTimeOffset instant, bool endOfDay = false)
    {
        try
        {
            return TryParse(value, zone, endOfDay, out instant);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A date at the edge of the calendar (0001-01-01 east of UTC, 9999-12-31 west of it) has no instant.
            instant = default;
            return false;
        }
    }

    private static bool TryParse(string? value, TimeZoneInfo zone, bool endOfDay, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        if (DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            instant = AtWallTime(date.ToDateTime(TimeOnly.MinValue).AddDays(endOfDay ? 1 : 0), zone);
            return true;
        }

        if (
            !DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            || !value.Contains('T', StringComparison.Ordinal)
        )
        {
            return false;
        }

        if (parsed.Kind == DateTimeKind.Local)
        {
            // An explicit offset: that instant; one whose UTC time falls outside years 1-9999 (0001-01-01T00:00+14:00,
            // found by the API fuzzer) is no instant at all, so not a date-time (was a 500).
            if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            {
                return false;
            }

            instant = withOffset.ToUniversalTime();
            return true;
        }

        // "Z": that instant; no zone or offset: a wall time in the request's zone.
        instant = parsed.Kind == DateTimeKind.Utc ? new DateTimeOffset(parsed, TimeSpan.Zero) : AtWallTime(parsed, zone);
        return true;
    }

    /// <summary>A wall time in a zone as an instant; a time skipped by a DST change moves forward by the gap.</summary>
    public static DateTimeOffset AtWallTime(DateTime wallTime, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(wallTime, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The first instant busy times (and slots) are answered for: years 1900 to 2100 are answered as they are.</summary>
    public static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The end of the years answered (exclusive): the start of 2101.</summary>
    public static readonly DateTimeOffset Latest = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The message for an instant outside <see cref="Earliest"/> .. <see cref="Latest"/>.</summary>
    public const string OutsideYearsMessage = "must be within the years 1900 to 2100";

    /// <summary>Whether a value that did not parse as an instant is a date or date-time of a year outside 1900-2100 (0001-01-01 east of UTC
    /// has no instant at all).</summary>
    public static bool OutsideAnsweredYears(string? value) =>
        value is { Length: >= 10 } text
        && text[4] == '-'
        && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
        && year is < 1900 or > 2100;

    /// <summary>Whether an instant lies in the years answered (1900-2100, <see cref="Latest"/> itself included as an end).</summary>
    public static bool InAnsweredYears(DateTimeOffset instant) => instant >= Earliest && instant <= Latest;
}
