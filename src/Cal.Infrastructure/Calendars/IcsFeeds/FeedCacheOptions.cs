using System.ComponentModel.DataAnnotations;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>Section <c>FeedCache</c>: how saved feeds are cached for check, list and busy times.</summary>
public sealed class FeedCacheOptions
{
    public const string SectionName = "FeedCache";

    /// <summary>A cached feed is used without asking upstream for this long; after it, a conditional request revalidates it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Total characters of feed text kept (×2 bytes); least recently used feeds are dropped first.</summary>
    [Range(0, long.MaxValue)]
    public long MaxCharacters { get; set; } = 128L * 1024 * 1024;
}
