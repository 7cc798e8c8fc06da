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

    /// <summary>A token hash just issued: any "matched nothing" remembered for it is dropped (here and in the fleet).</summary>
    public const string IssuedTopic = "auth-issued";

    private readonly FleetInvalidation fleet;
    private readonly TimeSpan invalidFor;

    public MemoryAuthenticationCache(FleetInvalidation fleet, Microsoft.Extensions.Options.IOptions<AuthOptions> options)
    {
        this.fleet = fleet;
        invalidFor = options.Value.InvalidTokenCacheDuration;
        fleet.Register(Topic, InvalidateHere, InvalidateAllHere);
        fleet.Register(IssuedTopic, ForgetInvalidHere, ForgetAllInvalidHere);
    }

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly MemoryCache invalid = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> partitions = new(StringComparer.Ordinal);

    private long generation;
    private long issuedGeneration;

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

    public ValueTask InvalidateAsync(string callerPartition) => fleet.PublishAsync(Topic, callerPartition);

    public bool IsKnownInvalid(string tokenHash) => invalidFor > TimeSpan.Zero && invalid.TryGetValue(tokenHash, out _);

    public void SetInvalid(string tokenHash, long generationBeforeLookup)
    {
        if (invalidFor <= TimeSpan.Zero || Interlocked.Read(ref issuedGeneration) != generationBeforeLookup)
        {
            return;
        }

        invalid.Set(tokenHash, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = invalidFor });
        if (Interlocked.Read(ref issuedGeneration) != generationBeforeLookup)
        {
            invalid.Remove(tokenHash); // issued while this was being set
        }
    }

    /// <summary>The generation <see cref="SetInvalid"/> compares with (moved by every issue of a token).</summary>
    public long IssuedGeneration => Interlocked.Read(ref issuedGeneration);

    public ValueTask ForgetInvalidAsync(string tokenHash) => fleet.PublishAsync(IssuedTopic, tokenHash);

    private void ForgetInvalidHere(string tokenHash)
    {
        Interlocked.Increment(ref issuedGeneration);
        invalid.Remove(tokenHash);
    }

    private void ForgetAllInvalidHere()
    {
        Interlocked.Increment(ref issuedGeneration);
        invalid.Compact(1.0);
    }

    private void InvalidateHere(string callerPartition)
    {
        Interlocked.Increment(ref generation);
        if (partitions.TryRemove(callerPartition, out var partition))
        {
            // Cancelled, not disposed: a concurrent Set may still be reading its token (a disposed source throws there).
            // A source without a timer holds nothing to release.
            partition.Cancel();
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
        invalid.Dispose();
        foreach (var partition in partitions.Values)
        {
            partition.Dispose();
        }
    }
}
