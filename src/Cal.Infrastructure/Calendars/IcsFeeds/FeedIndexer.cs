using System.Threading.RateLimiting;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Ical.Recurrence;
using Microsoft.Extensions.Logging;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Reads one fetched feed version, as it streams in, into an <see cref="IcsFeedSnapshot"/>: checked by
/// <see cref="IcsStreamingChecker"/> and indexed by <see cref="IcsIndexBuilder"/> in the same pass, so the text is
/// never held. At most <see cref="FeedCacheOptions.MaxConcurrentIndexing"/> feeds are read at once by the whole
/// process (each holds a partly built index); the rest wait, within the fetch's own deadline.
/// </summary>
internal sealed partial class FeedIndexer(FeedIndexingLimiter limiter, TimeProvider time, ILogger<FeedIndexer> logger)
{
    /// <summary>How long indexing may take after the text is read (resolving COUNTs, matching zones), whatever the feed.</summary>
    private static readonly TimeSpan BuildTime = TimeSpan.FromSeconds(5);

    public async Task<IcsFeedSnapshot> IndexAsync(TextReader feed, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(cancellationToken);
        var builder = new IcsIndexBuilder();
        var check = await IcsStreamingChecker.CheckAsync(feed, builder, cancellationToken);
        if (check.Failure is { } failure)
        {
            return new IcsFeedSnapshot(null, failure, null);
        }

        var index = builder.Build(time.GetUtcNow().Year, ExpansionBudget.For(long.MaxValue, BuildTime, cancellationToken));
        if (builder.Skipped > 0 || index.UnresolvedCounts > 0)
        {
            LogSkipped(logger, index.EventCount, builder.Skipped, index.UnresolvedCounts);
        }

        return new IcsFeedSnapshot(check.CalendarName, null, index);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Feed indexed: {Events} events; {Skipped} properties or events skipped as unreadable, {UnresolvedCounts} COUNT "
            + "rules left to each "
            + "request's budget"
    )]
    private static partial void LogSkipped(ILogger logger, int events, int skipped, int unresolvedCounts);
}

/// <summary>The process-wide cap on feeds being indexed at once (<see cref="FeedCacheOptions.MaxConcurrentIndexing"/>).</summary>
internal sealed class FeedIndexingLimiter(int permits) : IDisposable
{
    private readonly ConcurrencyLimiter limiter = new(
        new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }
    );

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => limiter.Dispose();
}
