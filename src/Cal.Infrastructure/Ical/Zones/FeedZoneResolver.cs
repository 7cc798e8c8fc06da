using System.Collections.Concurrent;
using NodaTime;
using NodaTime.TimeZones;

namespace Cal.Infrastructure.Ical.Zones;

/// <summary>
/// Resolves a feed's TZIDs, in the contract's order: an IANA name; a Windows name (Outlook's "W. Europe Standard
/// Time"); a globally unique TZID (<c>/mozilla.org/20070129_1/America/New_York</c>: the IANA name at its end); the
/// feed's own VTIMEZONE, matched to the IANA zone with the same offsets at the same instants, or else used by its
/// own rules; the feed's <c>X-WR-TIMEZONE</c>; otherwise null, meaning floating (read in the requester's zone, as
/// cal.com reads it). Never silently UTC. Each TZID is resolved once per feed (at indexing).
/// </summary>
internal sealed class FeedZoneResolver(IReadOnlyDictionary<string, VTimeZoneDefinition> definitions, string? calendarZone, int year)
{
    private static readonly IDateTimeZoneProvider Tzdb = DateTimeZoneProviders.Tzdb;

    /// <summary>Names resolved without a feed (IANA, Windows, globally unique), shared by all feeds; bounded because names come from
    /// feeds.</summary>
    private static readonly ConcurrentDictionary<string, DateTimeZone?> Named = new(StringComparer.Ordinal);

    /// <summary>VTIMEZONE transitions → the IANA zone that has them (or none), shared by feeds that carry the same definition.</summary>
    private static readonly ConcurrentDictionary<string, string?> Matched = new(StringComparer.Ordinal);

    private const int MaxCachedNames = 4_096;

    private static readonly Lazy<DateTimeZone[]> Candidates = new(() =>
        [
            .. Tzdb
                .Ids.Where(id => id.Contains('/', StringComparison.Ordinal) && !id.StartsWith("Etc/", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(id => Tzdb[id]),
        ]
    );

    private static readonly Dictionary<string, string> CaseInsensitiveIds = Tzdb
        .Ids.GroupBy(id => id, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, DateTimeZone?> resolved = new(StringComparer.Ordinal);

    /// <summary>The zone for <paramref name="tzId"/>, or null when the time is floating.</summary>
    public DateTimeZone? Resolve(string tzId)
    {
        if (resolved.TryGetValue(tzId, out var zone))
        {
            return zone;
        }

        zone =
            ByName(tzId)
            ?? (definitions.TryGetValue(tzId, out var definition) ? FromDefinition(definition) : null)
            ?? (calendarZone is null ? null : ByName(calendarZone));
        resolved[tzId] = zone;
        return zone;
    }

    /// <summary>An IANA, Windows or globally unique name; null when no time-zone database explains it.</summary>
    public static DateTimeZone? ByName(string tzId)
    {
        if (Named.TryGetValue(tzId, out var zone))
        {
            return zone;
        }

        zone = ByNameUncached(tzId);
        if (Named.Count < MaxCachedNames)
        {
            Named.TryAdd(tzId, zone);
        }

        return zone;
    }

    private static DateTimeZone? ByNameUncached(string tzId)
    {
        var name = tzId.Trim().Trim('"').Trim();
        if (name.Length == 0)
        {
            return null;
        }

        if (Lookup(name) is { } direct)
        {
            return direct;
        }

        if (
            TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.TryGetValue(name, out var fromWindows)
            && Lookup(fromWindows) is { } windows
        )
        {
            return windows;
        }

        // Globally unique TZIDs: a prefix naming the publisher, the IANA name at the end (one to three segments).
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var take = Math.Min(3, segments.Length - 1); take >= 1; take--)
        {
            if (Lookup(string.Join('/', segments[^take..])) is { } suffix)
            {
                return suffix;
            }
        }

        return null;
    }

    private static DateTimeZone? Lookup(string name) => CaseInsensitiveIds.TryGetValue(name, out var id) ? Tzdb.GetZoneOrNull(id) : null;

    private DateTimeZone? FromDefinition(VTimeZoneDefinition definition)
    {
        if (definition.Transitions() is not { } transitions)
        {
            return null;
        }

        var key = Key(transitions.UtcTicks, transitions.Offsets, transitions.Initial);
        if (!Matched.TryGetValue(key, out var iana))
        {
            iana = MatchIana(transitions.UtcTicks, transitions.Offsets, transitions.Initial, year);
            if (Matched.Count < MaxCachedNames)
            {
                Matched.TryAdd(key, iana);
            }
        }

        return iana is not null
            ? Tzdb[iana]
            : RuleZone.Create(definition.TzId, transitions.UtcTicks, transitions.Offsets, transitions.Initial);
    }

    /// <summary>The first IANA zone (by name) with the definition's offset at mid-month instants of three years around
    /// <paramref name="year"/> and on both sides of each of its transitions then.</summary>
    private static string? MatchIana(long[] utcTicks, TimeSpan[] offsets, TimeSpan initial, int year)
    {
        var samples = new List<long>();
        for (var y = year - 1; y <= year + 1; y++)
        {
            for (var month = 1; month <= 12; month++)
            {
                samples.Add(new DateTime(y, month, 15, 12, 0, 0, DateTimeKind.Utc).Ticks);
            }
        }

        var from = new DateTime(year - 1, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var to = new DateTime(year + 2, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        foreach (var t in utcTicks)
        {
            if (t >= from && t < to)
            {
                samples.Add(t - TimeSpan.TicksPerDay);
                samples.Add(t + TimeSpan.TicksPerDay);
            }
        }

        var expected = samples.Select(s => OffsetAt(utcTicks, offsets, initial, s)).ToArray();
        var instants = samples.Select(s => Instant.FromUnixTimeTicks(s - DateTime.UnixEpoch.Ticks)).ToArray();
        foreach (var zone in Candidates.Value)
        {
            var all = true;
            for (var i = 0; i < instants.Length && all; i++)
            {
                all = zone.GetUtcOffset(instants[i]).ToTimeSpan() == expected[i];
            }

            if (all)
            {
                return zone.Id;
            }
        }

        return null;
    }

    private static TimeSpan OffsetAt(long[] utcTicks, TimeSpan[] offsets, TimeSpan initial, long ticks)
    {
        var index = Array.BinarySearch(utcTicks, ticks);
        var last = index >= 0 ? index : ~index - 1;
        return last >= 0 ? offsets[last] : initial;
    }

    private static string Key(long[] utcTicks, TimeSpan[] offsets, TimeSpan initial)
    {
        var hash = new HashCode();
        hash.Add(initial);
        foreach (var t in utcTicks)
        {
            hash.Add(t);
        }

        foreach (var o in offsets)
        {
            hash.Add(o);
        }

        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{hash.ToHashCode()}:{utcTicks.Length}:{initial.Ticks}:{(utcTicks.Length > 0 ? utcTicks[0] : 0)}"
        );
    }
}
