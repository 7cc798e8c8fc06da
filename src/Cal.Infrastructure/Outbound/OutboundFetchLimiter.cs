using System.Threading.RateLimiting;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// How many feeds are fetched at once: at most <c>Outbound:MaxConcurrentFetchesPerUser</c> for one user, and at most
/// <c>Outbound:MaxConcurrentFetches</c> for the whole server, so many concurrent saves cannot open unbounded
/// connections or buffers, and one user's slow feeds cannot hold every permit. A user's fetches queue for their own
/// share first and only then for a server-wide permit, so a user over their share holds nothing others need.
/// </summary>
internal sealed class OutboundFetchLimiter : IDisposable
{
    private readonly ConcurrencyLimiter global;
    private readonly PartitionedRateLimiter<int> perUser;

    public OutboundFetchLimiter(int permits, int permitsPerUser)
    {
        global = new ConcurrencyLimiter(Options(permits));
        perUser = PartitionedRateLimiter.Create<int, int>(user => RateLimitPartition.GetConcurrencyLimiter(user, _ => Options(Math.Min(permits, permitsPerUser))));
    }

    /// <summary>A user's share, then a server-wide permit; both leases are released together.</summary>
    public async ValueTask<IDisposable> AcquireAsync(int userId, CancellationToken cancellationToken)
    {
        var share = await perUser.AcquireAsync(userId, 1, cancellationToken);
        try
        {
            return new Leases(share, await global.AcquireAsync(1, cancellationToken));
        }
        catch
        {
            share.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        global.Dispose();
        perUser.Dispose();
    }

    private static ConcurrencyLimiterOptions Options(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    private sealed class Leases(RateLimitLease share, RateLimitLease permit) : IDisposable
    {
        public void Dispose()
        {
            permit.Dispose();
            share.Dispose();
        }
    }
}
