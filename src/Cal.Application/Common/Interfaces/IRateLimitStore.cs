namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Where rate-limit counts live: this process's memory for one instance (the default), or a store all
/// instances share (Redis) so a fleet enforces one limit. Fixed windows aligned to the clock: window
/// <c>n</c> covers <c>[n·window, (n+1)·window)</c> since the Unix epoch, so every instance agrees on them.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>Counts one request of <paramref name="partition"/> in window <paramref name="windowIndex"/>; returns the count so far, this
    /// one included.</summary>
    ValueTask<long> IncrementAsync(string partition, long windowIndex, TimeSpan window, CancellationToken cancellationToken);
}
