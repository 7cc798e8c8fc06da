using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Outbound;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Saved feeds for reading (check, list, busy times). Fresh entries (younger than
/// <see cref="FeedCacheOptions.TimeToLive"/>) are served as they are; stale ones are revalidated with
/// If-None-Match / If-Modified-Since, so a feed unchanged upstream costs one 304 and no body. Entries are
/// keyed by owner, credential and feed, so a cached feed is only ever read through the credential that saved it.
/// </summary>
internal sealed class CachingIcsFeedSource(IcsFeedFetcher fetcher, FeedCache cache, IOptions<FeedCacheOptions> options, TimeProvider time) : IIcsFeedSource
{
    public async Task<FeedFetchResult<string>> GetAsync(Credential credential, IcsFeedUrl url, CancellationToken cancellationToken)
    {
        var key = new FeedCacheKey(credential.UserId, credential.Id, url.Identity);
        var now = time.GetUtcNow();
        var cached = cache.Get(key);
        if (cached is not null && now - cached.CheckedAt < options.Value.TimeToLive)
        {
            return FeedFetchResult.Ok(cached.Text);
        }

        var outcome = await fetcher.FetchAsync(url, (reader, ct) => reader.ReadToEndAsync(ct), cached?.Validators, cancellationToken);
        if (outcome.NotModified && cached is not null)
        {
            cache.Set(key, cached with { CheckedAt = now, Validators = outcome.Validators ?? cached.Validators });
            return FeedFetchResult.Ok(cached.Text);
        }

        if (outcome.Result.Value is { } text)
        {
            cache.Set(key, new CachedFeed(text, outcome.Validators, now));
        }

        return outcome.Result;
    }
}

internal readonly record struct FeedCacheKey(int UserId, int CredentialId, string FeedIdentity);

internal sealed record CachedFeed(string Text, FeedValidators? Validators, DateTimeOffset CheckedAt);

/// <summary>The process's feed cache: a size-limited <see cref="MemoryCache"/> of its own, so feeds cannot crowd out anything else.</summary>
internal sealed class FeedCache(IOptions<FeedCacheOptions> options) : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.MaxCharacters) });

    public CachedFeed? Get(FeedCacheKey key) => cache.TryGetValue(key, out CachedFeed? feed) ? feed : null;

    public void Set(FeedCacheKey key, CachedFeed feed)
    {
        // Kept a day past its time to live, for revalidation; a feed larger than the whole cache is simply not kept.
        cache.Set(key, feed, new MemoryCacheEntryOptions { Size = Math.Max(1, feed.Text.Length), SlidingExpiration = TimeSpan.FromDays(1) });
    }

    public void Dispose() => cache.Dispose();
}
