using NodaTime;
using NodaTime.TimeZones;

namespace Cal.Infrastructure.Ical.Zones;

/// <summary>
/// Wall times and UTC ticks in a zone, the iCalendar engine's one piece of zone arithmetic (the busy-time index, its
/// series, the recurrence expander's callers): RFC 5545's reading of a skipped or repeated wall time, and a fast path
/// for the nearly-always case away from a transition.
/// </summary>
internal static class WallClock
{
    private const long Day = TimeSpan.TicksPerDay;
    private static readonly ZoneLocalMappingResolver Rfc5545 = Resolvers.CreateMappingResolver(
        Resolvers.ReturnEarlier,
        Resolvers.ReturnForwardShifted
    );
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>
    /// A wall time in a zone as UTC ticks (RFC 5545: a skipped time moves forward by the gap, a repeated one is the
    /// first). Away from a transition, which is nearly always, one offset lookup in the zone's cached intervals answers
    /// without allocating; near one, NodaTime's resolver decides.
    /// </summary>
    public static long ToUtcTicks(DateTime wall, DateTimeZone? zone)
    {
        if (zone is null || ReferenceEquals(zone, DateTimeZone.Utc))
        {
            return wall.Ticks;
        }

        var local = wall.Ticks - EpochTicks;
        if (local > MinUnixTicks && local < MaxUnixTicks)
        {
            var interval = zone.GetZoneInterval(Instant.FromUnixTimeTicks(local));
            var guess = local - interval.WallOffset.Ticks;
            var around = zone.GetZoneInterval(Instant.FromUnixTimeTicks(guess));
            if (around.WallOffset == interval.WallOffset && FarFromEdges(around, guess))
            {
                return guess + EpochTicks;
            }
        }

        return LocalDateTime.FromDateTime(wall).InZone(zone, Rfc5545).ToInstant().ToUnixTimeTicks() + EpochTicks;
    }

    private static readonly long MinUnixTicks = DateTime.MinValue.AddDays(2).Ticks - EpochTicks;
    private static readonly long MaxUnixTicks = DateTime.MaxValue.AddDays(-2).Ticks - EpochTicks;

    /// <summary>More than a day from the interval's start and end: no other offset can map to the same wall time.</summary>
    private static bool FarFromEdges(ZoneInterval interval, long unixTicks) =>
        (!interval.HasStart || unixTicks - interval.Start.ToUnixTimeTicks() > Day)
        && (!interval.HasEnd || interval.End.ToUnixTimeTicks() - unixTicks > Day);

    public static DateTime ToWall(long utcTicks, DateTimeZone zone) =>
        ReferenceEquals(zone, DateTimeZone.Utc)
            ? new DateTime(utcTicks, DateTimeKind.Unspecified)
            : Instant.FromUnixTimeTicks(utcTicks - EpochTicks).InZone(zone).LocalDateTime.ToDateTimeUnspecified();
}
