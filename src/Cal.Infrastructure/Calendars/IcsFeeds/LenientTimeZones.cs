using System.Collections.Concurrent;
using Ical.Net;
using NodaTime;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// How Ical.Net resolves TZID values, set once for the process: IANA and Windows names as Ical.Net does
/// (Outlook writes "W. Europe Standard Time"), then the quoted or slash-prefixed spellings some exporters
/// use, then the zone matched from the feed's own VTIMEZONE (<see cref="FeedTimeZones"/>, for the read in
/// progress), and finally UTC for a name nothing explains, so one odd TZID does not make a feed unreadable.
/// </summary>
internal static class LenientTimeZones
{
    private static readonly Func<string, DateTimeZone> Strict = TimeZoneResolvers.Default;
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> FeedZones = new();

    /// <summary>
    /// TZID → zone (or null: unknown), for the names the time-zone database explains: Ical.Net resolves the TZID on every
    /// conversion, tens of times per occurrence, and each resolution tried several spellings (a profile of busy times
    /// for 1,000 recurring events spent ~8% there). Names come from feeds, so the cache stops growing at
    /// <see cref="MaxCachedNames"/>; feed-specific VTIMEZONE matches are never cached here.
    /// </summary>
    private static readonly ConcurrentDictionary<string, DateTimeZone?> Known = new(StringComparer.Ordinal);

    private const int MaxCachedNames = 2048;

    public static void Install() => TimeZoneResolvers.TimeZoneResolver = Resolve;

    /// <summary>Makes a feed's VTIMEZONE matches visible to the resolver until the returned scope is disposed.</summary>
    public static IDisposable UseFeedZones(IReadOnlyDictionary<string, string> zones)
    {
        var previous = FeedZones.Value;
        FeedZones.Value = zones;
        return new Scope(() => FeedZones.Value = previous);
    }

    public static bool IsKnown(string tzId) => TryKnown(tzId) is not null;

    public static DateTimeZone Resolve(string tzId) =>
        TryKnown(tzId)
        ?? (FeedZones.Value?.GetValueOrDefault(tzId) is { } matched ? Strict(matched) : null)
        ?? DateTimeZone.Utc;

    private static DateTimeZone? TryKnown(string tzId)
    {
        if (Known.TryGetValue(tzId, out var cached))
        {
            return cached;
        }

        var zone = TryKnownUncached(tzId);
        if (Known.Count < MaxCachedNames)
        {
            Known.TryAdd(tzId, zone);
        }

        return zone;
    }

    private static DateTimeZone? TryKnownUncached(string tzId)
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

        return null;
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

    private sealed class Scope(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
