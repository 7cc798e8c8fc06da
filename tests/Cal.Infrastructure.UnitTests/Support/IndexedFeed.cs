using Cal.Application.Calendars.Common;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Ical.Recurrence;

namespace Cal.Infrastructure.UnitTests.Support;

/// <summary>A feed's text read as the server reads a fetched feed: checked and indexed in one pass, then asked for a window.</summary>
internal static class IndexedFeed
{
    public static BusyTimeIndex Index(string feed, int year = 2026)
    {
        var builder = new IcsIndexBuilder();
        var check = IcsStreamingChecker.CheckAsync(new StringReader(feed), builder, CancellationToken.None).GetAwaiter().GetResult();
        if (check.Failure is { } failure)
        {
            throw new InvalidDataException(failure.Message);
        }

        return builder.Build(year, ExpansionBudget.Unlimited());
    }

    public static BusyTimeRead Read(string feed, BusyWindow window, BusyTimeBudget budget, CancellationToken cancellationToken = default) =>
        Index(feed).Read(window, budget.StartingNow(), cancellationToken);
}
