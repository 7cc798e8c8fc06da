using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Calendars.Common;

/// <summary>Section <c>BusyTimes</c>: the work one calendar may cost per request, a guard against hostile rules.</summary>
public sealed class BusyTimesOptions
{
    public const string SectionName = "BusyTimes";

    /// <summary>
    /// Occurrences read from one calendar per request before the answer is cut short: a year of the 20 MB benchmark feed
    /// (66,000 events) is about 340,000, so an ordinary feed never meets this.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxOccurrencesPerFeed { get; set; } = 1_000_000;

    /// <summary>Time a request may spend on busy times, from the start of its work (a first fetch and index of a large feed included),
    /// before the answer is cut short.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MaxExpansionTimePerFeed { get; set; } = TimeSpan.FromSeconds(5);

    public BusyTimeBudget Budget => new(MaxOccurrencesPerFeed, MaxExpansionTimePerFeed);
}
