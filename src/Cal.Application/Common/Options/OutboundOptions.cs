using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Common.Options;

/// <summary>Limits on fetching feeds (section <c>Outbound</c>).</summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Outbound";

    /// <summary>Per feed: connect, headers and the whole body.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan FeedTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole save, all feeds together.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:30:00")]
    public TimeSpan SaveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Body cap after decompression, in bytes (25 MB).</summary>
    [Range(1024, 1L << 31)]
    public long MaxFeedBytes { get; set; } = 25L * 1024 * 1024;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;
}
