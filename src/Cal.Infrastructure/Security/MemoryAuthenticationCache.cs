using System.Collections.Concurrent;
using Cal.Application.Authentication;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Caching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Cal.Infrastructure.Security;

/// <summary>
/// Validated bearer tokens in this process's memory, by hash, size-limited. Each entry's own
/// <see cref="CachedBearer.ValidUntil"/> (read from <see cref="TimeProvider"/>) decides whether it is
/// still trusted; the cache's own expiry only frees memory. A revocation made here is applied here at once and sent
/// to the other instances through <see cref="FleetInvalidation"/> (Redis pub/sub; milliseconds); a message lost with
/// a Redis outage leaves at most <see cref="AuthOptions.CacheDuration"/> of staleness.
/// </summary>
internal sealed class MemoryAuthenticationCache : IAuthenticationCache, IDisposable
{
    public const string Topic = "auth";

    private readonly FleetInvalidation fleet;

    public MemoryAuthenticationCache(FleetInvalidation fleet)
    {
        this.fleet = fleet;
        fleet.Register(Topic, InvalidateHere, InvalidateAllHere);
    }

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> partitions = new(StringComparer.Ordinal);

    private long generation;

    public long Generation => Interlocked.Read(ref generation);

    public CachedBearer? Get(string tokenHash) => cache.Get<CachedBearer>(tokenHash);

    public void Set(string tokenHash, CachedBearer entry, long generationBeforeLookup)
    {
        if (Generation != generationBeforeLookup)
        {
            return;
        }

        var partition = partitions.GetOrAdd(entry.Caller.CachePartition, _ => new CancellationTokenSource());
        var options = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(15) };
        options.AddExpirationToken(new CancellationChangeToken(partition.Token));
        cache.Set(tokenHash, entry, options);

        // Invalidate moves the generation before it cancels: either it cancelled the token this entry holds, or the
        // generation has moved by now and the entry goes here.
        if (Generation != generationBeforeLookup)
        {
            cache.Remove(tokenHash);
        }
    }

    public void Invalidate(string callerPartition) => fleet.Publish(Topic, callerPartition);

    private void InvalidateHere(string callerPartition)
    {
        Interlocked.Increment(ref generation);
        if (partitions.TryRemove(callerPartition, out var partition))
        {
            partition.Cancel();
            partition.Dispose();
        }
    }

    private void InvalidateAllHere()
    {
        foreach (var callerPartition in partitions.Keys)
        {
            InvalidateHere(callerPartition);
        }
    }

    public void Dispose()
    {
        cache.Dispose();
        foreach (var partition in partitions.Values)
        {
            partition.Dispose();
        }
    }
}
