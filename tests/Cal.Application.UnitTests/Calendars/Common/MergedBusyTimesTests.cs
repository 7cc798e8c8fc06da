using Cal.Application.Calendars.Common;

namespace Cal.Application.UnitTests.Calendars.Common;

/// <summary>The answer merges each source's sorted intervals on the way out; the order is start, then end, across sources.</summary>
public sealed class MergedBusyTimesTests
{
    private static BusyInterval At(int startHour, int endHour) =>
        new(new DateTimeOffset(2026, 3, 2, startHour, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, endHour, 0, 0, TimeSpan.Zero));

    [Test]
    public void Merge_InterleavesSources_ByStartThenEnd_KeepingEachIntervalsSource()
    {
        var dto = new MergedBusyTimes(
            [
                new SourcedBusyIntervals("ics-feed", [At(8, 9), At(10, 12), At(14, 15)]),
                new SourcedBusyIntervals("caldav-calendar", [At(7, 8), At(10, 11), At(16, 17)]),
                new SourcedBusyIntervals("apple-calendar", []),
            ],
            []
        );

        var merged = new List<string>();
        var merge = dto.Merge();
        while (merge.MoveNext())
        {
            merged.Add($"{merge.Current.Start.Hour}-{merge.Current.End.Hour} {merge.Source}");
        }

        Assert.That(
            merged,
            Is.EqualTo(
                new[]
                {
                    "7-8 caldav-calendar",
                    "8-9 ics-feed",
                    "10-11 caldav-calendar",
                    "10-12 ics-feed",
                    "14-15 ics-feed",
                    "16-17 caldav-calendar",
                }
            )
        );
        Assert.That(
            dto.Intervals.Select(i => $"{i.Start.Hour}-{i.End.Hour} {i.Source}"),
            Is.EqualTo(merged),
            "the materialised list is the same order"
        );
    }

    [Test]
    public void NoSources_MergeToNothing()
    {
        var dto = new MergedBusyTimes([], []);

        Assert.That(dto.Merge().MoveNext(), Is.False);
        Assert.That(dto.Intervals, Is.Empty);
    }
}
