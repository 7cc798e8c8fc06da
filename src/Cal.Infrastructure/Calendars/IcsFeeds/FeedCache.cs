using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cal.Application.Common;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Ical.BusyIndex;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

internal readonly record struct FeedCacheKey(int UserId, int CredentialId, string FeedIdentity);

internal sealed record CachedFeed(IcsFeedSnapshot Snapshot, ResourceVersion? Version, DateTimeOffset CheckedAt);

/// <summary>
/// The feed cache: a size-limited <see cref="MemoryCache"/> of this process's own holding snapshots (busy-time
/// indexes, sized by their estimated bytes), and, when a fleet shares a Redis (<c>Redis:Configuration</c>), a second
/// level in an <see cref="IDistributedCache"/> holding the feed text, so a feed fetched by one instance is indexed,
/// not fetched, by the others. Feed text is secret (it came from a secret URL): what goes to the shared level is a
/// Data Protection payload, readable only by instances that share the keys. A shared level that cannot be reached
/// is skipped (a miss), never an error.
/// </summary>
internal sealed partial class FeedCache(
    IOptions<FeedCacheOptions> options,
    IDataProtectionProvider protection,
    ILogger<FeedCache> logger,
    IDistributedCache? shared = null,
    SharedFeedBudget? sharedBudget = null,
    FleetFeedFetchLocks? leases = null,
    Caching.RedisGuard? redis = null
) : IDisposable
{
    /// <summary>Redis keys of the shared level start with this (the budget's counters have their own prefix).</summary>
    public const string SharedKeyPrefix = "cal:feeds:";

    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    private readonly MemoryCache local = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.MaxIndexBytes) });
    private readonly IDataProtector protector = protection.CreateProtector("Cal.FeedCache.v1");
    private readonly CoalescedBuilds<FeedCacheKey, OutboundResult<IcsFeedSnapshot>> inflight = new();

    public bool HasSharedLevel => shared is not null;

    public int MaxSharedCharacters => options.Value.MaxSharedCharacters;

    public CachedFeed? TryGetLocal(FeedCacheKey key) => local.TryGetValue(key, out CachedFeed? feed) ? feed : null;

    /// <summary>Runs <paramref name="refresh"/> once for all concurrent callers with the same key; the entry goes when it ends.</summary>
    public Task<OutboundResult<IcsFeedSnapshot>> Coalesce(
        FeedCacheKey key,
        Func<Task<OutboundResult<IcsFeedSnapshot>>> refresh,
        CancellationToken cancellationToken
    ) => inflight.ShareAsync(key, refresh, cancellationToken);

    // Kept a day past its time to live, for revalidation; an index larger than the whole cache is simply not kept.
    public void SetLocal(FeedCacheKey key, CachedFeed feed) =>
        local.Set(
            key,
            feed,
            new MemoryCacheEntryOptions
            {
                Size = Math.Max(1, (feed.Snapshot.Busy as BusyTimeIndex)?.EstimatedBytes ?? 1024),
                SlidingExpiration = KeptFor,
            }
        );

    /// <summary>The shared level's text for <paramref name="key"/>, indexed here (then kept locally); null on a miss.</summary>
    public Task<CachedFeed?> GetSharedAsync(FeedCacheKey key, FeedIndexer indexer, CancellationToken cancellationToken) =>
        TakeSharedIfNewerAsync(key, indexer, stale: null, cancellationToken);

    /// <summary>
    /// True when this instance should fetch the feed now: there is no shared level, or it took the fleet-wide mark for
    /// this feed (release it with <see cref="EndLeadAsync"/>). False: another instance is fetching it; wait for it with
    /// <see cref="WaitForSharedAsync"/>.
    /// </summary>
    public Task<bool> TryLeadFetchAsync(FeedCacheKey key, TimeSpan hold) =>
        shared is null || leases is null ? Task.FromResult(true) : leases.TryTakeAsync(SharedKey(key), hold);

    public Task EndLeadAsync(FeedCacheKey key) => leases?.ReleaseAsync(SharedKey(key)) ?? Task.CompletedTask;

    /// <summary>
    /// Waits for another instance's fetch of <paramref name="key"/> to land in the shared level: an entry checked after
    /// <paramref name="stale"/> was (reusing its index when the feed did not change), or null
    /// when the other instance let go of the feed without writing it (a failed fetch, a feed too large to share) or
    /// <paramref name="maxWait"/> passed: then fetch here.
    /// </summary>
    public async Task<CachedFeed?> WaitForSharedAsync(
        FeedCacheKey key,
        FeedIndexer indexer,
        CachedFeed? stale,
        TimeSpan maxWait,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        if (shared is null || leases is null)
        {
            return null;
        }

        var until = time.GetUtcNow() + maxWait;
        while (time.GetUtcNow() < until)
        {
            if (await TakeSharedIfNewerAsync(key, indexer, stale, cancellationToken) is { } feed)
            {
                return feed;
            }

            if (!await leases.IsHeldAsync(SharedKey(key)))
            {
                // The leader may have written its result and let go between the two looks: one more look, then give up.
                return await TakeSharedIfNewerAsync(key, indexer, stale, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), time, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// The shared level's entry for <paramref name="key"/> if it was checked after <paramref name="stale"/> (or there is no
    /// stale one): <paramref name="stale"/>'s own index when the feed did not change (a 304 elsewhere), else indexed here.
    /// </summary>
    public async Task<CachedFeed?> TakeSharedIfNewerAsync(
        FeedCacheKey key,
        FeedIndexer indexer,
        CachedFeed? stale,
        CancellationToken cancellationToken
    )
    {
        if (
            shared is null
            || await ReadSharedEntryAsync(key, cancellationToken) is not { } entry
            || entry.CheckedAt <= (stale?.CheckedAt ?? DateTimeOffset.MinValue)
        )
        {
            return null;
        }

        var unchanged = stale?.Version is not null && entry.Version == stale.Version;
        CachedFeed feed;
        try
        {
            feed = unchanged
                ? stale! with
                {
                    CheckedAt = entry.CheckedAt,
                }
                : new CachedFeed(await indexer.IndexAsync(new StringReader(entry.Text), cancellationToken), entry.Version, entry.CheckedAt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            LogSharedUnavailable(logger, "read", ex.GetType().Name);
            return null;
        }

        SetLocal(key, feed);
        return feed;
    }

    private async Task<SharedFeed?> ReadSharedEntryAsync(FeedCacheKey key, CancellationToken cancellationToken)
    {
        try
        {
            var payload = await SharedGetAsync(SharedKey(key), cancellationToken);
            return payload is null ? null : SharedFeed.Read(protector.Unprotect(payload));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            LogSharedUnavailable(logger, "read", ex.GetType().Name);
            return null;
        }
    }

    public async Task SetSharedAsync(FeedCacheKey key, string text, CachedFeed feed, CancellationToken cancellationToken)
    {
        if (shared is null)
        {
            return;
        }

        try
        {
            var payload = protector.Protect(SharedFeed.Write(text, feed));
            if (sharedBudget is not null && !await sharedBudget.TryReserveAsync(payload.Length))
            {
                LogSharedFull(logger, payload.Length);
                return;
            }

            var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.SharedTimeToLive };
            if (redis is null)
            {
                await shared.SetAsync(SharedKey(key), payload, entry, cancellationToken);
            }
            else
            {
                await redis.TryAsync(() => shared.SetAsync(SharedKey(key), payload, entry, cancellationToken), "shared feed cache");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSharedUnavailable(logger, "write", ex.GetType().Name);
        }
    }

    /// <summary>A 304 seen here: other instances learn the feed was checked (its text stays as it is).</summary>
    public async Task TouchSharedAsync(FeedCacheKey key, CachedFeed feed, CancellationToken cancellationToken)
    {
        if (shared is null)
        {
            return;
        }

        try
        {
            var payload = await SharedGetAsync(SharedKey(key), cancellationToken);
            if (payload is not null)
            {
                var entry = SharedFeed.Read(protector.Unprotect(payload));
                await SetSharedAsync(key, entry.Text, feed, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSharedUnavailable(logger, "write", ex.GetType().Name);
        }
    }

    public void Dispose() => local.Dispose();

    /// <summary>The shared level's entry; through the Redis guard (a short timeout, a break after a failure) when there is one.</summary>
    private async Task<byte[]?> SharedGetAsync(string key, CancellationToken cancellationToken)
    {
        if (redis is null)
        {
            return await shared!.GetAsync(key, cancellationToken);
        }

        var (ok, payload) = await redis.TryAsync(() => shared!.GetAsync(key, cancellationToken), "shared feed cache");
        return ok ? payload : null;
    }

    private static string SharedKey(FeedCacheKey key) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{key.UserId}:{key.CredentialId}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.FeedIdentity)))}"
        );

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "Shared feed cache full for now (FeedCache:MaxSharedBytes); a {Bytes}-byte feed stays in this instance's cache"
    )]
    private static partial void LogSharedFull(ILogger logger, int bytes);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Shared feed cache unavailable ({Operation}: {Error}); using this instance's cache only"
    )]
    private static partial void LogSharedUnavailable(ILogger logger, string operation, string error);

    /// <summary>The shared level's form of a cached feed (the URL is not in it: keys carry only its hash).</summary>
    private sealed record SharedFeed(string Text, string? ETag, DateTimeOffset? LastModified, DateTimeOffset CheckedAt)
    {
        public ResourceVersion? Version => ETag is null && LastModified is null ? null : new ResourceVersion(ETag, LastModified);

        public static byte[] Write(string text, CachedFeed feed) =>
            JsonSerializer.SerializeToUtf8Bytes(new SharedFeed(text, feed.Version?.ETag, feed.Version?.LastModified, feed.CheckedAt));

        public static SharedFeed Read(byte[] json) =>
            JsonSerializer.Deserialize<SharedFeed>(json) ?? throw new InvalidDataException("Empty shared feed entry.");
    }
}
