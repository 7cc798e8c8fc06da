using Ical.Net;
using NodaTime;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// How Ical.Net resolves TZID values, set once for the process: IANA and Windows names as Ical.Net does
/// (Outlook writes "W. Europe Standard Time"), then the quoted or slash-prefixed spellings some exporters
/// use, and finally UTC for a name nothing knows, so one odd TZID does not make a whole feed unreadable.
/// Known gap: a custom VTIMEZONE whose TZID is not a known name is read as UTC, not from its rules.
/// </summary>
internal static class LenientTimeZones
{
    private static readonly Func<string, DateTimeZone> Strict = TimeZoneResolvers.Default;

    public static void Install() => TimeZoneResolvers.TimeZoneResolver = Resolve;

    public static DateTimeZone Resolve(string tzId)
    {
        foreach (var candidate in Candidates(tzId))
        {
            try
            {
                return Strict(candidate);
            }
            catch (ArgumentException)
            {
                // try the next spelling
            }
        }

        return DateTimeZone.Utc;
    }

    private static IEnumerable<string> Candidates(string tzId)
    {
        yield return tzId;
        var trimmed = tzId.Trim().Trim('"').TrimStart('/');
        if (trimmed != tzId)
        {
            yield return trimmed;
        }

        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(trimmed, out var iana))
        {
            yield return iana;
        }
    }
}
