using System.Globalization;

namespace Cal.Infrastructure.Outbound;

/// <summary>The words of the limits feeds and CalDAV share (<see cref="OutboundOptions"/>).</summary>
internal static class OutboundLimits
{
    /// <summary>
    /// The failure of a fetch past <see cref="OutboundOptions.MaxBytesPerUserPerMinute"/>; <paramref name="what"/> is "feeds" or
    /// "calendars".
    /// </summary>
    public static string RateLimitedMessage(string what, long maxBytesPerUserPerMinute) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"This account's {what} read more than {maxBytesPerUserPerMinute / (1024 * 1024)} MB in the last minute; try again in a minute."
        );
}
