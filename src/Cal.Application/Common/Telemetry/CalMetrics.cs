using System.Diagnostics.Metrics;

namespace Cal.Application.Common.Telemetry;

/// <summary>
/// Cal's own instruments (meter <c>Cal</c>), exported by OpenTelemetry (<c>/metrics</c> for Prometheus, OTLP). Labels are
/// closed sets (an outcome, a kind of caller); no label ever carries a feed URL, host, key, token, email or user id.
/// </summary>
public static class CalMetrics
{
    public const string MeterName = "Cal";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Feed fetches by outcome: <c>ok</c>, <c>not_modified</c>, or the failure's wire name (<c>timeout</c>, <c>http_status</c>,
    /// ...).</summary>
    public static readonly Counter<long> FeedsFetched = Meter.CreateCounter<long>(
        "cal.feeds.fetched",
        "{fetch}",
        "Feed fetches, by outcome"
    );

    /// <summary>Bytes of feed bodies read (after decompression).</summary>
    public static readonly Counter<long> FeedBytes = Meter.CreateCounter<long>(
        "cal.feeds.bytes",
        "By",
        "Bytes of feed bodies read, after decompression"
    );

    /// <summary>Feed cache lookups by result: <c>hit</c> (fresh), <c>shared_hit</c> (from the fleet's level), <c>revalidated</c> (304),
    /// <c>miss</c> (fetched).</summary>
    public static readonly Counter<long> FeedCacheLookups = Meter.CreateCounter<long>(
        "cal.feed_cache.lookups",
        "{lookup}",
        "Feed cache lookups, by result"
    );

    /// <summary>
    /// Kept CalDAV calendar lookups by result: <c>hit</c> (fresh), <c>unchanged</c> (one PROPFIND said so), <c>synced</c>
    /// (sync-collection), <c>listed</c> (a getetag listing compared), <c>loaded</c> (read whole), <c>failed</c>.
    /// </summary>
    public static readonly Counter<long> CalDavIndexLookups = Meter.CreateCounter<long>(
        "cal.caldav_index.lookups",
        "{lookup}",
        "Kept CalDAV calendar lookups, by result"
    );

    /// <summary>Bookings' calendar writes and deletes that failed for good (refused, calendar gone), by kind.</summary>
    public static readonly Counter<long> CalendarWriteFailures = Meter.CreateCounter<long>(
        "cal.calendar_writes.failures",
        "{write}",
        "Calendar writes of bookings that failed for good, by kind"
    );

    private static double outboxLagSeconds;

    /// <summary>The age of the oldest outbox item not yet performed (the outbox's lag), as the worker last measured it.</summary>
    public static readonly ObservableGauge<double> OutboxLag = Meter.CreateObservableGauge(
        "cal.outbox.lag",
        () => Volatile.Read(ref outboxLagSeconds),
        "s",
        "Age of the oldest outbox item not yet performed"
    );

    public static void SetOutboxLag(TimeSpan lag) => Volatile.Write(ref outboxLagSeconds, lag.TotalSeconds);

    /// <summary>Webhook delivery attempts, by result (<c>delivered</c>, <c>4xx</c>, <c>5xx</c>, <c>3xx</c> (not followed), <c>timeout</c>,
    /// <c>connection_failed</c>, <c>blocked</c>).</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>(
        "cal.webhooks.attempts",
        "{attempt}",
        "Webhook delivery attempts, by result"
    );

    /// <summary>Webhook deliveries finished, by outcome (<c>delivered</c>, <c>failed</c>).</summary>
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "cal.webhooks.deliveries",
        "{delivery}",
        "Webhook deliveries finished, by outcome"
    );

    /// <summary>Outbox items performed, by kind and outcome (<c>done</c>, <c>retry</c>, <c>failed</c>).</summary>
    public static readonly Counter<long> OutboxAttempts = Meter.CreateCounter<long>(
        "cal.outbox.attempts",
        "{attempt}",
        "Outbox attempts, by kind and outcome"
    );

    /// <summary>Bookings made, by outcome (<c>accepted</c>, <c>overlap</c>, <c>reserved</c>).</summary>
    public static readonly Counter<long> Bookings = Meter.CreateCounter<long>(
        "cal.bookings",
        "{booking}",
        "Booking attempts decided by the database, by outcome"
    );

    /// <summary>Busy-time work per request (reading every calendar of the answer), seconds.</summary>
    public static readonly Histogram<double> BusyTimesDuration = Meter.CreateHistogram<double>(
        "cal.busy_times.duration",
        "s",
        "Busy-time work per request",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        }
    );

    /// <summary>Calendars whose busy times were cut short by the budget.</summary>
    public static readonly Counter<long> BusyTimesTruncations = Meter.CreateCounter<long>(
        "cal.busy_times.truncations",
        "{calendar}",
        "Calendars cut short by the busy-time budget"
    );

    /// <summary>Requests refused by the rate limiter, by kind of caller (<c>api_key</c>, <c>token</c>, <c>oauth_client</c>,
    /// <c>ip</c>).</summary>
    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "cal.rate_limit.rejections",
        "{request}",
        "Requests refused by the rate limiter, by kind of caller"
    );

    /// <summary>Managed users' token refreshes by outcome (<c>ok</c>, <c>refused</c>).</summary>
    public static readonly Counter<long> TokenRefreshes = Meter.CreateCounter<long>(
        "cal.tokens.refreshes",
        "{refresh}",
        "Token refreshes, by outcome"
    );

    /// <summary>Token families revoked (a refresh token presented twice).</summary>
    public static readonly Counter<long> TokenFamilyRevocations = Meter.CreateCounter<long>(
        "cal.tokens.family_revocations",
        "{family}",
        "Token families revoked"
    );

    public static void Count(this Counter<long> counter, string label, string value) =>
        counter.Add(1, new KeyValuePair<string, object?>(label, value));
}
