using System.Threading.RateLimiting;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// How many feeds are fetched at once: at most <c>Outbound:MaxConcurrentFetchesPerUser</c> for one user, and at most
/// <c>Outbound:MaxConcurrentFetches</c> for the whole server, so many concurrent saves cannot open unbounded
/// connections or buffers, and one user's slow feeds cannot hold every permit. A user's fetches queue for their own
/// share first and only then for a server-wide permit, so a user over their share holds nothing others need.
/// Bytes read are charged to the user's per-minute budget (<c>Outbound:MaxBytesPerUserPerMinute</c>, counted in KiB by a
/// fixed-window limiter per user), so one user cannot take the server's whole bandwidth either.
/// </summary>
internal sealed class OutboundFetchLimiter : IDisposable
{
    private readonly ConcurrencyLimiter global;
    private readonly PartitionedRateLimiter<int> perUser;
    private readonly PartitionedRateLimiter<int> bytesPerUser;
    private readonly int kibPerMinute;

    public OutboundFetchLimiter(int permits, int permitsPerUser, long bytesPerUserPerMinute = long.MaxValue)
    {
        global = new ConcurrencyLimiter(Options(permits));
        perUser = PartitionedRateLimiter.Create<int, int>(user =>
            RateLimitPartition.GetConcurrencyLimiter(user, _ => Options(Math.Min(permits, permitsPerUser)))
        );
        kibPerMinute = (int)Math.Clamp(bytesPerUserPerMinute / 1024, 1, int.MaxValue);
        bytesPerUser = PartitionedRateLimiter.Create<int, int>(user =>
            RateLimitPartition.GetFixedWindowLimiter(
                user,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = kibPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }
            )
        );
    }

    /// <summary>Charges <paramref name="bytes"/> just read to the user's budget; false when the budget for this minute is spent.</summary>
    public bool TryChargeBytes(int userId, int bytes)
    {
        if (userId == IcsFeedFetcher.NoOwner || bytes <= 0)
        {
            return true; // tools and tests
        }

        using var lease = bytesPerUser.AttemptAcquire(userId, Math.Min(kibPerMinute, (bytes + 1023) / 1024));
        return lease.IsAcquired;
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

    /// <summary>
    /// As <see cref="AcquireAsync"/>, but waiting at most <paramref name="maxWait"/> (on <paramref name="time"/>'s clock):
    /// null when no permit came in time (or the caller gave up), so a busy server answers "try again" instead of queueing forever.
    /// </summary>
    public async ValueTask<IDisposable?> TryAcquireAsync(
        int userId,
        TimeSpan maxWait,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        using var queue = new CancellationTokenSource(maxWait, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, queue.Token);
        try
        {
            return await AcquireAsync(userId, waiting.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        global.Dispose();
        perUser.Dispose();
        bytesPerUser.Dispose();
    }

    private static ConcurrencyLimiterOptions Options(int permits) =>
        new()
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
