using System.Threading.RateLimiting;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// The server-wide cap on feeds being fetched at once (<c>Outbound:MaxConcurrentFetches</c>), so many
/// concurrent saves cannot open unbounded connections or buffers. Waiting counts against the feed's timeout.
/// </summary>
internal sealed class OutboundFetchLimiter(int permits) : IDisposable
{
    private readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = permits,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => limiter.Dispose();
}
