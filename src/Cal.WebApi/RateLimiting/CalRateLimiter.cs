using System.Globalization;
using System.Threading.RateLimiting;
using Cal.Application.Common.Interfaces;
using Cal.WebApi.Authentication;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.RateLimiting;

/// <summary>
/// The global limiter given to ASP.NET Core's rate-limiting middleware: fixed windows per partition (the
/// API key, the managed user's token family, or the client IP when unauthenticated), counted in an
/// <see cref="IRateLimitStore"/> so one instance can count in memory and a fleet in a shared store. The
/// built-in <see cref="FixedWindowRateLimiter"/> counts only in its own process and does not tell when its
/// window resets, which the <c>X-RateLimit-Reset</c> header needs.
/// </summary>
public sealed class CalRateLimiter(IRateLimitStore store, IOptionsMonitor<RateLimitingOptions> options, TimeProvider time)
    : PartitionedRateLimiter<HttpContext>
{
    /// <summary>Where a count the synchronous path could not hand over waits for <see cref="AcquireAsyncCore"/>.</summary>
    private const string CountingItem = "cal:rate-limit";

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    /// <summary>
    /// Counts the request here, and when the store answers at once (the in-memory store always does) with a request let
    /// through, hands the decision to the middleware without its asynchronous path. A refusal, or a store that must wait
    /// (Redis), goes to <see cref="AcquireAsyncCore"/>, which the middleware asks next: it answers with this same count,
    /// so each request is counted once either way.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        var counting = DecideAsync(resource, CancellationToken.None);
        if (!counting.IsCompletedSuccessfully)
        {
            resource.Items[CountingItem] = counting.AsTask();
            return Decision.Deferred;
        }

        var decision = counting.Result;
        if (!decision.IsAcquired)
        {
            resource.Items[CountingItem] = Task.FromResult(decision);
        }

        return decision;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(
        HttpContext resource,
        int permitCount,
        CancellationToken cancellationToken
    ) =>
        // Awaited to its end (the store's own timeouts bound it), never abandoned: the count registers this request's
        // headers, which must not land on a later request that reuses the context.
        resource.Items.Remove(CountingItem, out var counted) && counted is Task<Decision> counting
            ? await counting
            : await DecideAsync(resource, cancellationToken);

    private async ValueTask<Decision> DecideAsync(HttpContext resource, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var windowMs = (long)settings.Window.TotalMilliseconds;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowIndex = nowMs / windowMs;
        var partition = PartitionOf(resource);
        var limit = settings.LimitFor(KindOf(partition));
        var count = await store.IncrementAsync(partition, windowIndex, settings.Window, cancellationToken);
        var resetSeconds = (int)Math.Ceiling(((windowIndex + 1) * windowMs - nowMs) / 1000.0);
        var decision = new Decision(count <= limit, limit, (int)Math.Max(0, limit - count), resetSeconds);

        // The headers go on whatever answer this request gets, as it starts (the exception handler clears earlier ones).
        resource.Response.OnStarting(WriteHeadersOnStart, (decision, resource.Response));
        return decision;
    }

    private static readonly Func<object, Task> WriteHeadersOnStart = state =>
    {
        var (decision, response) = ((Decision, HttpResponse))state;
        decision.WriteHeaders(response.Headers);
        return Task.CompletedTask;
    };

    /// <summary>The kind of caller a partition belongs to, for metrics (never the partition itself: it names a user or an
    /// address).</summary>
    public static string CallerKind(HttpContext context) => KindOf(PartitionOf(context));

    private static string KindOf(string partition) =>
        partition switch
        {
            var p when p.StartsWith("ip:", StringComparison.Ordinal) => "ip",
            var p when p.StartsWith("oauth-client:", StringComparison.Ordinal) => "oauth_client",
            var p when p.StartsWith("token-family:", StringComparison.Ordinal) => "token",
            _ => "api_key",
        };

    public static string PartitionOf(HttpContext context) =>
        context.User.FindFirst(CalBearerAuthenticationHandler.RateLimitPartitionClaim)?.Value
        ?? "ip:" + ClientNetwork(context.Connection.RemoteIpAddress);

    /// <summary>
    /// An unauthenticated caller's partition: the IPv4 address, or the IPv6 /64 it is in (one subscriber's allocation:
    /// otherwise a single host could take a fresh address, and a fresh budget, for every request).
    /// </summary>
    public static string ClientNetwork(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new System.Net.IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>The outcome for one request, also the lease the middleware holds.</summary>
    public sealed class Decision(bool acquired, int limit, int remaining, int resetSeconds) : RateLimitLease
    {
        internal static readonly Decision Deferred = new(false, 0, 0, 0);

        public override bool IsAcquired => acquired;

        public int Limit => limit;

        public int Remaining => remaining;

        /// <summary>Seconds until the window resets (as NestJS's throttler, cal.com's, reports it).</summary>
        public int ResetSeconds => resetSeconds;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = !acquired && metadataName == MetadataName.RetryAfter.Name ? TimeSpan.FromSeconds(resetSeconds) : null;
            return metadata is not null;
        }

        public void WriteHeaders(IHeaderDictionary headers)
        {
            var limitText = Text(limit);
            var remainingText = Text(remaining);
            var resetText = Text(resetSeconds);
            headers["X-RateLimit-Limit"] = limitText;
            headers["X-RateLimit-Remaining"] = remainingText;
            headers["X-RateLimit-Reset"] = resetText;

            // cal.com names its headers after its throttler ("default"); clients written for it read these.
            headers["X-RateLimit-Limit-Default"] = limitText;
            headers["X-RateLimit-Remaining-Default"] = remainingText;
            headers["X-RateLimit-Reset-Default"] = resetText;
        }

        /// <summary>Numbers below 4,096 (limits, resets in seconds, most remaining counts) as strings made once.</summary>
        private static readonly string[] SmallNumbers = Enumerable
            .Range(0, 4096)
            .Select(n => n.ToString(CultureInfo.InvariantCulture))
            .ToArray();

        private static string Text(int value) =>
            (uint)value < (uint)SmallNumbers.Length ? SmallNumbers[value] : value.ToString(CultureInfo.InvariantCulture);
    }
}
