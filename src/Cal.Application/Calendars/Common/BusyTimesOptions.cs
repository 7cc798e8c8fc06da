using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Calendars.Common;

/// <summary>Section <c>BusyTimes</c>: the work one feed may cost per request, and the longest window.</summary>
public sealed class BusyTimesOptions
{
    public const string SectionName = "BusyTimes";

    /// <summary>Occurrences read from one feed per request before the answer is cut short.</summary>
    [Range(1, 10_000_000)]
    public int MaxOccurrencesPerFeed { get; set; } = 100_000;

    /// <summary>Time spent expanding one feed per request before the answer is cut short.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MaxExpansionTimePerFeed { get; set; } = TimeSpan.FromSeconds(2);

    public BusyTimeBudget Budget => new(MaxOccurrencesPerFeed, MaxExpansionTimePerFeed);
}
