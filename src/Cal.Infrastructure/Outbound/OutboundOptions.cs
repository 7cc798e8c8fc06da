using System.ComponentModel.DataAnnotations;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// Limits on fetching feeds (section <c>Outbound</c>), Infrastructure's own: the fetcher, its limiter and the address
/// policy read them. The save's own limits in the same section are Application's (<c>IcsFeedSaveOptions</c>).
/// </summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Outbound";

    /// <summary>Per feed: connect, headers and the whole body.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan FeedTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Body cap after decompression, in bytes (25 MB).</summary>
    [Range(1024, 1L << 31)]
    public long MaxFeedBytes { get; set; } = 25L * 1024 * 1024;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Feeds fetched at the same time by the whole server; further fetches wait (up to <see cref="MaxFetchQueueTime"/>).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentFetches { get; set; } = 64;

    /// <summary>Feeds fetched at the same time for one user (all their saves and reads), so one user cannot hold every permit.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentFetchesPerUser { get; set; } = 16;

    /// <summary>
    /// Bytes (after decompression) one user's fetches may read per minute, all their saves and reads together; past it a
    /// fetch stops with <c>rate_limited</c> until the minute is over. Default 1 GiB: forty of the largest feeds a minute.
    /// </summary>
    [Range(1024L, long.MaxValue)]
    public long MaxBytesPerUserPerMinute { get; set; } = 1L << 30;

    /// <summary>How long a fetch may wait for a permit; the feed's own <see cref="FeedTimeout"/> starts once it has one.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan MaxFetchQueueTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Destinations allowed although loopback/private/link-local (an internal calendar server, a test's feed
    /// server): <c>host</c>, <c>host:port</c>, IP, <c>IP:port</c>, <c>[IPv6]:port</c> or CIDR. Empty by default.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}
