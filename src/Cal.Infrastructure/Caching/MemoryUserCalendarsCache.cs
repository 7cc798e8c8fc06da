using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Cal.Application.Common;
using Cal.Application.Common.Interfaces;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Cal.Infrastructure.Caching;

/// <summary><c>ReadModel:</c> how long a user's calendar read model may be served without a write having dropped it.</summary>
public sealed class ReadModelOptions
{
    public const string SectionName = "ReadModel";

    /// <summary>Bounds staleness when an invalidation message is lost (Redis down); also refreshes feed calendar names.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Users whose read models are held at once (each view of a user counts one).</summary>
    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 200_000;
}

/// <summary>
/// <see cref="IUserCalendarsCache"/> in this process's memory, size-limited, each user's views dropped together (a
/// change token per user). A build that raced an invalidation of the same user is answered but not kept (a per-user
/// generation read before the build and checked after). Invalidations go through <see cref="FleetInvalidation"/>:
/// here at once, on the other instances through Redis pub/sub. In a fleet each view also carries the user's fleet-wide
/// version it was built at and is served only while that is still the version (one Redis <c>GET</c> per read): a write
/// answered by one instance is seen by the next read on any other, even before the pub/sub message arrives there.
/// </summary>
internal sealed class MemoryUserCalendarsCache : IUserCalendarsCache, IDisposable
{
    public const string Topic = "calendars";

    private readonly MemoryCache cache;
    private readonly ConcurrentDictionary<int, UserEntry> users = new();
    private readonly CoalescedBuilds<(int UserId, Type View, long Generation, long? Version), object> flights = new();
    private readonly FleetInvalidation fleet;
    private readonly ReadModelOptions options;

    public MemoryUserCalendarsCache(FleetInvalidation fleet, IOptions<ReadModelOptions> options)
    {
        this.fleet = fleet;
        this.options = options.Value;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = this.options.MaxEntries });
        fleet.Register(
            Topic,
            id =>
            {
                if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
                {
                    InvalidateHere(userId);
                }
            },
            InvalidateAllHere
        );
    }

    public async ValueTask<T> GetOrBuildAsync<T>(int userId, Func<CancellationToken, Task<T>> build, CancellationToken cancellationToken)
        where T : class
    {
        var key = (userId, typeof(T));

        // Without Redis: none (the messages here are synchronous). Unreadable Redis: none either, and views built meanwhile
        // carry -1, so they are rebuilt once the fleet's version can be read again.
        var version = fleet.IsFleetWide ? await fleet.VersionAsync(Topic, userId.ToString(CultureInfo.InvariantCulture)) : null;
        if (
            options.TimeToLive > TimeSpan.Zero
            && cache.TryGetValue(key, out Stamped? hit)
            && hit is not null
            && (version is null || hit.Version == version)
        )
        {
            return (T)hit.View;
        }

        // Concurrent misses for the same view share one build (an expired entry under load is one database read, not one
        // per request). A flight belongs to the generation and version it started at: a request that arrives after a
        // write starts its own, never joining one that may have read the calendars before the write. A request whose
        // leader went away builds for itself.
        var user = users.GetOrAdd(userId, _ => new UserEntry());
        var generation = user.Generation;
        return (T)
            await flights.RunAsync(
                (userId, typeof(T), generation, version),
                () => BuildAndKeepAsync(key, user, generation, version, build, cancellationToken),
                cancellationToken
            );
    }

    private async Task<object> BuildAndKeepAsync<T>(
        (int UserId, Type View) key,
        UserEntry user,
        long generation,
        long? version,
        Func<CancellationToken, Task<T>> build,
        CancellationToken cancellationToken
    )
        where T : class
    {
        var built = await build(cancellationToken);
        var keepFor = built is IShortLivedView { KeepFor: { } shorter } && shorter < options.TimeToLive ? shorter : options.TimeToLive;
        if (keepFor > TimeSpan.Zero && user.Generation == generation)
        {
            var entry = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = keepFor };
            entry.AddExpirationToken(new CancellationChangeToken(user.Changed.Token));
            cache.Set(key, new Stamped(built, version ?? -1), entry);

            // An invalidation between the check above and the Set cancelled the token the entry holds, or moved the generation.
            if (user.Generation != generation)
            {
                cache.Remove(key);
            }
        }

        return built;
    }

    public ValueTask InvalidateAsync(int userId) =>
        fleet.PublishAsync(Topic, userId.ToString(CultureInfo.InvariantCulture), versioned: true);

    private void InvalidateHere(int userId)
    {
        if (users.TryGetValue(userId, out var user))
        {
            user.Invalidate();
        }
    }

    private void InvalidateAllHere()
    {
        foreach (var user in users.Values)
        {
            user.Invalidate();
        }
    }

    public void Dispose()
    {
        cache.Dispose();
        foreach (var user in users.Values)
        {
            user.Dispose();
        }
    }

    /// <summary>A cached view and the fleet-wide version it was built at (-1: unknown; 0 without a fleet).</summary>
    private sealed record Stamped(object View, long Version);

    /// <summary>One user's generation and the change token their cached views hold.</summary>
    private sealed class UserEntry : IDisposable
    {
        private long generation;
        private CancellationTokenSource changed = new();

        public long Generation => Interlocked.Read(ref generation);

        public CancellationTokenSource Changed => Volatile.Read(ref changed);

        public void Invalidate()
        {
            Interlocked.Increment(ref generation);
            // Cancelled, not disposed: a build finishing now may still be reading its token (a disposed source throws
            // there, a rare 500). A source without a timer holds nothing to release.
            var old = Interlocked.Exchange(ref changed, new CancellationTokenSource());
            old.Cancel();
        }

        public void Dispose() => Changed.Dispose();
    }
}
