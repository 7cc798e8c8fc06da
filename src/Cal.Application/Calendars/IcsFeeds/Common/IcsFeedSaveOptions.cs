using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Calendars.IcsFeeds.Common;

/// <summary>A save's own limits (section <c>Outbound</c>, beside Infrastructure's fetch limits).</summary>
public sealed class IcsFeedSaveOptions
{
    public const string SectionName = "Outbound";

    /// <summary>The whole save, all feeds together.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:30:00")]
    public TimeSpan SaveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Feeds of one save fetched at the same time.</summary>
    [Range(1, 50)]
    public int MaxConcurrentFetchesPerSave { get; set; } = 10;
}
