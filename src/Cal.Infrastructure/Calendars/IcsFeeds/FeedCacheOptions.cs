using System.ComponentModel.DataAnnotations;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>Section <c>FeedCache</c>: how saved feeds are cached (as busy-time indexes) for check, list and busy times.</summary>
public sealed class FeedCacheOptions
{
    public const string SectionName = "FeedCache";

    /// <summary>A cached feed is used without asking upstream for this long; after it, a conditional request revalidates it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Approximate bytes of feed indexes kept in this process; least recently used feeds are dropped first.</summary>
    [Range(0, long.MaxValue)]
    public long MaxIndexBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Feeds read and indexed at once by this process (each holds a partly built index); 0: one per core.</summary>
    [Range(0, 1024)]
    public int MaxConcurrentIndexing { get; set; }

    /// <summary>Largest feed text (characters) kept in the fleet's shared cache level; larger feeds are fetched by each instance.</summary>
    [Range(0, int.MaxValue)]
    public int MaxSharedCharacters { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a feed stays in the fleet's shared cache level (Redis) after it was last written there.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SharedTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Bytes this fleet may write to the shared level per <see cref="SharedTimeToLive"/> (so at most this much is held there at
    /// once); past it, feeds are cached per instance until the window moves on. 0: no shared level for feeds.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxSharedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Read a small synthetic feed in the background at start-up, so the first real feed is not read by code still being
    /// compiled.</summary>
    public bool WarmUp { get; set; } = true;
}
