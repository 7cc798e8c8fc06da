using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Microsoft.Extensions.Options;

namespace Cal.Application.Slots.Common;

/// <summary>
/// Section <c>AnonymousAvailability</c>: how often anonymous callers together may have a host's calendars read (slots,
/// reservations and bookings are public). Each client IP is rate-limited on its own; this bounds what many addresses
/// together can make Cal ask of one host's calendar servers, and of the host's share of Cal's outbound fetches.
/// </summary>
public sealed class AnonymousAvailabilityOptions
{
    public const string SectionName = "AnonymousAvailability";

    /// <summary>Anonymous requests per host and window that read the host's calendars.</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimitPerHost { get; set; } = 600;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The per-host limit on anonymous requests that read a host's calendars, counted where the rate limiter counts (this
/// process, or Redis in a fleet). Past it such requests answer <c>429</c> until the window moves on.
/// </summary>
public sealed class AnonymousAvailabilityLimit(
    IRateLimitStore store,
    IOptionsMonitor<AnonymousAvailabilityOptions> options,
    TimeProvider time
)
{
    /// <summary>Counts one anonymous request reading <paramref name="hostUserId"/>'s calendars; throws
    /// <see cref="TooManyRequestsException"/> past the limit.</summary>
    public async ValueTask EnterAsync(int hostUserId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var windowMs = (long)settings.Window.TotalMilliseconds;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowIndex = nowMs / windowMs;
        var count = await store.IncrementAsync(
            "host:" + hostUserId.ToString(CultureInfo.InvariantCulture),
            windowIndex,
            settings.Window,
            cancellationToken
        );
        if (count > settings.PermitLimitPerHost)
        {
            var retryAfter = (int)Math.Ceiling(((windowIndex + 1) * windowMs - nowMs) / 1000.0);
            throw new TooManyRequestsException(
                $"This host's availability is being asked for too often; retry after {retryAfter} seconds.",
                Math.Max(1, retryAfter)
            );
        }
    }
}
