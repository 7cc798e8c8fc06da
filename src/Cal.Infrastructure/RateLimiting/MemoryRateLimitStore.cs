using System.Collections.Concurrent;
using Cal.Application.Common.Interfaces;

namespace Cal.Infrastructure.RateLimiting;

/// <summary>
/// Rate-limit counts in this process: one counter per partition, reset when its window moves on; counters
/// of partitions idle for a whole window are dropped once per window, so memory follows active callers.
/// </summary>
internal sealed class MemoryRateLimitStore : IRateLimitStore
{
    private readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.Ordinal);
    private long sweptWindow;

    public ValueTask<long> IncrementAsync(string partition, long windowIndex, TimeSpan window, CancellationToken cancellationToken)
    {
        Sweep(windowIndex);
        var counter = counters.GetOrAdd(partition, static (_, w) => new Counter(w), windowIndex);
        lock (counter)
        {
            if (counter.Window != windowIndex)
            {
                counter.Window = windowIndex;
                counter.Count = 0;
            }

            return ValueTask.FromResult(++counter.Count);
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
        public long Window { get; set; } = window;

        public long Count { get; set; }
    }
}
