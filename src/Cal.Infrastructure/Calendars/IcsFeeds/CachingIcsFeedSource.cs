using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Outbound;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
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
        var cached = await cache.GetAsync(key, cancellationToken);
        if (cached is not null && now - cached.CheckedAt < options.Value.TimeToLive)
        {
            return FeedFetchResult.Ok(cached.Text);
        }

        var outcome = await fetcher.FetchAsync(url, (reader, ct) => reader.ReadToEndAsync(ct), cached?.Validators, cancellationToken);
        if (outcome.NotModified && cached is not null)
        {
            await cache.SetAsync(key, cached with { CheckedAt = now, Validators = outcome.Validators ?? cached.Validators }, cancellationToken);
            return FeedFetchResult.Ok(cached.Text);
        }

        if (outcome.Result.Value is { } text)
        {
            await cache.SetAsync(key, new CachedFeed(text, outcome.Validators, now), cancellationToken);
        }

        return outcome.Result;
    }
}

internal readonly record struct FeedCacheKey(int UserId, int CredentialId, string FeedIdentity);

internal sealed record CachedFeed(string Text, FeedValidators? Validators, DateTimeOffset CheckedAt);

/// <summary>
/// The feed cache: a size-limited <see cref="MemoryCache"/> of this process's own (so feeds cannot crowd out
/// anything else), and, when a fleet shares a Redis (<c>Redis:Configuration</c>), a second level in an
/// <see cref="IDistributedCache"/> so a feed fetched by one instance is not fetched again by the others.
/// Feed text is secret (it came from a secret URL): what goes to the shared level is a Data Protection
/// payload, readable only by instances that share the keys. A shared level that cannot be reached is
/// skipped (a miss), never an error.
/// </summary>
internal sealed partial class FeedCache(IOptions<FeedCacheOptions> options, IDataProtectionProvider protection, ILogger<FeedCache> logger, IDistributedCache? shared = null) : IDisposable
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    private readonly MemoryCache local = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.MaxCharacters) });
    private readonly IDataProtector protector = protection.CreateProtector("Cal.FeedCache.v1");

    public async Task<CachedFeed?> GetAsync(FeedCacheKey key, CancellationToken cancellationToken)
    {
        if (local.TryGetValue(key, out CachedFeed? feed))
        {
            return feed;
        }

        if (shared is null)
        {
            return null;
        }

        try
        {
            var payload = await shared.GetAsync(SharedKey(key), cancellationToken);
            if (payload is null)
            {
                return null;
            }

            feed = SharedFeed.Read(protector.Unprotect(payload));
            SetLocal(key, feed);
            return feed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSharedUnavailable(logger, "read", ex.GetType().Name);
            return null;
        }
    }

    public async Task SetAsync(FeedCacheKey key, CachedFeed feed, CancellationToken cancellationToken)
    {
        SetLocal(key, feed);
        if (shared is null)
        {
            return;
        }

        try
        {
            await shared.SetAsync(SharedKey(key), protector.Protect(SharedFeed.Write(feed)), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = KeptFor }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSharedUnavailable(logger, "write", ex.GetType().Name);
        }
    }

    public void Dispose() => local.Dispose();

    // Kept a day past its time to live, for revalidation; a feed larger than the whole cache is simply not kept.
    private void SetLocal(FeedCacheKey key, CachedFeed feed) =>
        local.Set(key, feed, new MemoryCacheEntryOptions { Size = Math.Max(1, feed.Text.Length), SlidingExpiration = KeptFor });

    private static string SharedKey(FeedCacheKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{key.UserId}:{key.CredentialId}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.FeedIdentity)))}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared feed cache unavailable ({Operation}: {Error}); using this instance's cache only")]
    private static partial void LogSharedUnavailable(ILogger logger, string operation, string error);

    /// <summary>The shared level's form of a cached feed (the URL is not in it: keys carry only its hash).</summary>
    private sealed record SharedFeed(string Text, string? ETag, DateTimeOffset? LastModified, DateTimeOffset CheckedAt)
    {
        public static byte[] Write(CachedFeed feed) => JsonSerializer.SerializeToUtf8Bytes(
            new SharedFeed(feed.Text, feed.Validators?.ETag?.ToString(), feed.Validators?.LastModified, feed.CheckedAt));

        public static CachedFeed Read(byte[] json)
        {
            var f = JsonSerializer.Deserialize<SharedFeed>(json) ?? throw new InvalidDataException("Empty shared feed entry.");
            var validators = f.ETag is null && f.LastModified is null ? null : new FeedValidators(f.ETag is null ? null : EntityTagHeaderValue.Parse(f.ETag), f.LastModified);
            return new CachedFeed(f.Text, validators, f.CheckedAt);
        }
    }
}
