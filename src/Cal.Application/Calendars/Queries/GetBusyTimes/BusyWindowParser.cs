using System.Globalization;
using Cal.Application.Calendars.Common;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

/// <summary>
/// cal.com's <c>dateFrom</c>/<c>dateTo</c>: an ISO date (midnight in <c>loggedInUsersTz</c>), a date-time with
/// <c>Z</c> or an offset (that instant), or a date-time without one (wall time in <c>loggedInUsersTz</c>).
/// </summary>
public static class BusyWindowParser
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    public static bool TryParseInstant(string? value, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        try
        {
            return TryParse(value, zone, out instant);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A date at the edge of the calendar (0001-01-01 east of UTC, 9999-12-31 west of it) has no instant.
            instant = default;
            return false;
        }
    }

    private static bool TryParse(string? value, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        if (DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            instant = AtWallTime(date.ToDateTime(TimeOnly.MinValue), zone);
            return true;
        }

        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) || !value.Contains('T', StringComparison.Ordinal))
        {
            return false;
        }

        instant = parsed.Kind switch
        {
            // "Z" or an explicit offset: that instant.
            DateTimeKind.Utc => new DateTimeOffset(parsed, TimeSpan.Zero),
            DateTimeKind.Local => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture).ToUniversalTime(),
            _ => AtWallTime(parsed, zone),
        };
        return true;
    }

    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        return !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!) && zone.HasIanaId;
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

    public static BusyWindow Window(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone) => new(from, to, zone.Id);
}
