using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Cal.Domain.Common;

/// <summary>
/// An IANA time zone (<c>Europe/Berlin</c>), checked once where it comes in and carried as this type from there on:
/// its id as the IANA database spells it, the system's <see cref="TimeZoneInfo"/> and NodaTime's
/// <see cref="DateTimeZone"/>, so no layer looks a zone up by name again. The one rule: the name is an id of the IANA
/// database (NodaTime's TZDB), matched regardless of case as cal.com's <c>Intl</c> check does and kept in the
/// database's spelling; Windows names (<c>W. Europe Standard Time</c>) are not IANA ids and are refused.
/// </summary>
public sealed class IanaTimeZone : IEquatable<IanaTimeZone>
{
    /// <summary>The one message for a value that is not an IANA time zone.</summary>
    public const string InvalidMessage = "must be an IANA time zone such as Europe/Berlin";

    private static readonly FrozenDictionary<string, string> CanonicalIds = DateTimeZoneProviders.Tzdb.Ids.ToFrozenDictionary(
        id => id,
        id => id,
        StringComparer.OrdinalIgnoreCase
    );

    private static readonly ConcurrentDictionary<string, IanaTimeZone> Zones = new(StringComparer.Ordinal);

    private IanaTimeZone(string id, TimeZoneInfo system, DateTimeZone tzdb)
    {
        Id = id;
        System = system;
        Tzdb = tzdb;
    }

    /// <summary>UTC.</summary>
    public static IanaTimeZone Utc { get; } = new("UTC", TimeZoneInfo.Utc, DateTimeZone.Utc);

    /// <summary>The IANA id, spelled as the IANA database spells it.</summary>
    public string Id { get; }

    /// <summary>The zone as the BCL knows it (for <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/>).</summary>
    public TimeZoneInfo System { get; }

    /// <summary>The zone as NodaTime's IANA database knows it (for the iCalendar engine's wall-time arithmetic).</summary>
    public DateTimeZone Tzdb { get; }

    /// <summary>The zone named <paramref name="id"/>, or false when it is not an IANA time zone.</summary>
    public static bool TryParse(string? id, [NotNullWhen(true)] out IanaTimeZone? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || !CanonicalIds.TryGetValue(id.Trim(), out var canonical))
        {
            return false;
        }

        if (canonical == Utc.Id)
        {
            zone = Utc;
            return true;
        }

        if (Zones.TryGetValue(canonical, out zone))
        {
            return true;
        }

        if (
            !TimeZoneInfo.TryFindSystemTimeZoneById(canonical, out var system)
            || DateTimeZoneProviders.Tzdb.GetZoneOrNull(canonical) is not { } tzdb
        )
        {
            return false;
        }

        zone = Zones.GetOrAdd(canonical, new IanaTimeZone(canonical, system, tzdb));
        return true;
    }

    /// <summary>The zone named <paramref name="id"/>; one that is not an IANA time zone is an <see cref="ArgumentException"/>.</summary>
    public static IanaTimeZone Parse(string id) =>
        TryParse(id, out var zone) ? zone : throw new ArgumentException($"'{id}' {InvalidMessage}.", nameof(id));

    /// <summary>Whether <paramref name="id"/> names an IANA time zone.</summary>
    public static bool IsValid(string? id) => TryParse(id, out _);

    public bool Equals(IanaTimeZone? other) => other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as IanaTimeZone);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    public override string ToString() => Id;
}
