using System.Collections.Concurrent;
using Cal.Application.Common.Interfaces;

namespace Cal.Infrastructure.RateLimiting;

/// <summary>
/// Rate-limit counts in this process: one counter per partition, reset when its window moves on; counters
/// of partitions idle for a whole window are dropped once per window, so memory follows active callers. Lock-free: every
/// request of one API key counts on the same counter, so a lock there is where a busy key's requests would queue.
/// </summary>
internal sealed class MemoryRateLimitStore : IRateLimitStore
{
    private readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.Ordinal);
    private long sweptWindow;

    public ValueTask<long> IncrementAsync(string partition, long windowIndex, TimeSpan window, CancellationToken cancellationToken)
    {
        Sweep(windowIndex);
        while (true)
        {
            var counter = counters.GetOrAdd(partition, static (_, w) => new Counter(w), windowIndex);
            if (counter.Window >= windowIndex)
            {
                // This window's counter (or, for a request whose clock read came just before a newer one's, the newer window's).
                return ValueTask.FromResult(counter.Increment());
            }

            // A counter of an earlier window: one request replaces it with a fresh one, and every one counts on whichever is there now.
            counters.TryUpdate(partition, new Counter(windowIndex), counter);
        }
    }

    public int PartitionCount => counters.Count;

    private void Sweep(long windowIndex)
    {
        var swept = Interlocked.Read(ref sweptWindow);
        if (windowIndex <= swept || Interlocked.CompareExchange(ref sweptWindow, windowIndex, swept) != swept)
        {
            return;
        }

        foreach (var (partition, counter) in counters)
        {
            if (counter.Window < windowIndex - 1)
            {
                counters.TryRemove(new KeyValuePair<string, Counter>(partition, counter));
            }
        }
    }

    private sealed class Counter(long window)
    {
        private long count;

        public long Window { get; } = window;

        public long Increment() => Interlocked.Increment(ref count);
    }
}
