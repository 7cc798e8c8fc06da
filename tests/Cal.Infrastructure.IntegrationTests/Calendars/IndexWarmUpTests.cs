using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.Calendars.IcsFeeds;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Ical.Recurrence;

namespace Cal.Infrastructure.IntegrationTests.Calendars;

/// <summary>The start-up warm-up's feed must exercise what real feeds do, or it warms nothing.</summary>
public sealed class IndexWarmUpTests
{
    [Test]
    public async Task TheSyntheticFeed_IsAValidFeed_WithSeriesOverridesAndZones_ThatReadsBusyTimes()
    {
        var feed = IndexWarmUp.SyntheticFeed(2026, events: 1_500);
        var builder = new IcsIndexBuilder();

        var check = await IcsStreamingChecker.CheckAsync(new StringReader(feed), builder, CancellationToken.None);
        var index = builder.Build(2026, ExpansionBudget.For(long.MaxValue, TimeSpan.FromSeconds(5), CancellationToken.None));
        var week = index.Read(
            new BusyWindow(
                new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero),
                new(2026, 6, 8, 0, 0, 0, TimeSpan.Zero),
                IanaTimeZone.Parse("Europe/Berlin")
            ),
            BusyTimeBudget.Default.StartingNow(),
            CancellationToken.None
        );

        Assert.That(check.Failure, Is.Null);
        Assert.That((builder.Skipped, index.UnresolvedCounts), Is.EqualTo((0, 0)), "nothing in it is unreadable");
        Assert.That(index.EventCount, Is.EqualTo(1_500));
        Assert.That(week.Intervals, Is.Not.Empty);
        Assert.That(week.Truncated, Is.False);
    }
}
