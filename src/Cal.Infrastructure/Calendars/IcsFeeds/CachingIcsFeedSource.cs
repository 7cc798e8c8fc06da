using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Outbound;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Saved feeds for reading (check, list, busy times). Fresh entries (younger than
/// <see cref="FeedCacheOptions.TimeToLive"/>) are served as they are; stale ones are revalidated with
/// If-None-Match / If-Modified-Since, so a feed unchanged upstream costs one 304 and no body. A changed body is
/// read once, as it streams in, into a snapshot (name, check result, busy-time index); concurrent requests for the
/// same feed share that one fetch. Entries are keyed by owner, credential and feed, so a cached feed is only ever
/// read through the credential that saved it.
/// </summary>
internal sealed class CachingIcsFeedSource(
    IcsFeedFetcher fetcher,
    FeedCache cache,
    FeedIndexer indexer,
    IOptions<FeedCacheOptions> options,
    IOptions<OutboundOptions> outbound,
    TimeProvider time
) : IIcsFeedSource
{
    public async Task<OutboundResult<IcsFeedSnapshot>> GetAsync(Credential credential, IcsFeedUrl url, CancellationToken cancellationToken)
    {
        var key = new FeedCacheKey(credential.UserId, credential.Id, url.Identity);
        var cached = cache.TryGetLocal(key);
        if (cached is not null && time.GetUtcNow() - cached.CheckedAt < options.Value.TimeToLive)
        {
            CalMetrics.FeedCacheLookups.Count("result", "hit");
            return Served(cached.Snapshot);
        }

        // One fetch per feed and instance at a time: the others wait for it (each within its own cancellation).
        return await cache.Coalesce(key, () => RefreshAsync(key, url, cached), cancellationToken);
    }

    private async Task<OutboundResult<IcsFeedSnapshot>> RefreshAsync(FeedCacheKey key, IcsFeedUrl url, CachedFeed? cached)
    {
        // The shared work is not cancelled by one waiter; the fetcher's own deadline bounds it.
        var cancellationToken = CancellationToken.None;
        var now = time.GetUtcNow();
        cached ??= await cache.GetSharedAsync(key, indexer, cancellationToken);
        if (cached is not null && now - cached.CheckedAt < options.Value.TimeToLive)
        {
            CalMetrics.FeedCacheLookups.Count("result", "shared_hit");
            return Served(cached.Snapshot);
        }

        // In a fleet, one instance fetches a feed at a time; the others wait for its result in the shared level.
        var fetchTime = outbound.Value.FeedTimeout + outbound.Value.MaxFetchQueueTime;
        var leading = await cache.TryLeadFetchAsync(key, fetchTime + TimeSpan.FromSeconds(5));
        if (!leading && await cache.WaitForSharedAsync(key, indexer, cached, fetchTime, time, cancellationToken) is { } landed)
        {
            CalMetrics.FeedCacheLookups.Count("result", "shared_wait");
            return Served(landed.Snapshot);
        }

        try
        {
            // Another instance may have written the feed between the first look and taking the mark: look once more.
            if (
                leading
                && cache.HasSharedLevel
                && await cache.TakeSharedIfNewerAsync(key, indexer, cached, cancellationToken) is { } meanwhile
                && now - meanwhile.CheckedAt < options.Value.TimeToLive
            )
            {
                CalMetrics.FeedCacheLookups.Count("result", "shared_hit");
                return Served(meanwhile.Snapshot);
            }

            return await FetchAsync(key, url, cached, now, cancellationToken);
        }
        finally
        {
            if (leading)
            {
                await cache.EndLeadAsync(key);
            }
        }
    }

    private async Task<OutboundResult<IcsFeedSnapshot>> FetchAsync(
        FeedCacheKey key,
        IcsFeedUrl url,
        CachedFeed? cached,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var keepText = cache.HasSharedLevel;
        var fetched = await fetcher.FetchAsync(
            url,
            key.UserId,
            async (reader, ct) => OutboundResult.Ok(await ReadAsync(reader, keepText, ct)),
            cached?.Version,
            cancellationToken
        );
        if (fetched.NotModified && cached is not null)
        {
            var refreshed = cached with { CheckedAt = now, Version = fetched.Version ?? cached.Version };
            cache.SetLocal(key, refreshed);
            await cache.TouchSharedAsync(key, refreshed, cancellationToken);
            CalMetrics.FeedCacheLookups.Count("result", "revalidated");
            return Served(cached.Snapshot);
        }

        CalMetrics.FeedCacheLookups.Count("result", "miss");

        if (!fetched.Succeeded)
        {
            return fetched.FailedAs<IcsFeedSnapshot>();
        }

        var (snapshot, text) = fetched.Value;
        var entry = new CachedFeed(snapshot, fetched.Version, now);
        cache.SetLocal(key, entry);
        if (text is not null)
        {
            await cache.SetSharedAsync(key, text, entry, cancellationToken);
        }

        return Served(snapshot);
    }

    /// <summary>A feed whose content is not usable is kept like any other version (a 304 revalidates it) but served as a failure.</summary>
    private static OutboundResult<IcsFeedSnapshot> Served(IcsFeedSnapshot snapshot) =>
        snapshot.ContentFailure is { } failure ? OutboundResult.Failed<IcsFeedSnapshot>(failure) : OutboundResult.Ok(snapshot);

    private async Task<(IcsFeedSnapshot Snapshot, string? Text)> ReadAsync(
        TextReader reader,
        bool keepText,
        CancellationToken cancellationToken
    )
    {
        if (!keepText)
        {
            return (await indexer.IndexAsync(reader, cancellationToken), null);
        }

        using var tee = new TeeTextReader(reader, cache.MaxSharedCharacters);
        var snapshot = await indexer.IndexAsync(tee, cancellationToken);
        return (snapshot, tee.Text);
    }
}
