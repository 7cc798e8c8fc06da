using Cal.Infrastructure.Caching;
using StackExchange.Redis;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Fleet-wide "I am fetching this feed" marks in Redis (<c>SET NX PX</c>), so concurrent first reads of one feed on
/// several instances cost one upstream fetch: the instance holding the mark fetches and writes the shared level, the
/// others wait for it there. A mark expires on its own (a holder that died frees it after
/// <see cref="Outbound.OutboundOptions.FeedTimeout"/> and a margin). Keys hold no URL: the shared level's key.
/// </summary>
internal sealed class FleetFeedFetchLocks(RedisGuard redis)
{
    public const string KeyPrefix = "cal:feed-lease:";

    private readonly string holder = Guid.NewGuid().ToString("N");

    /// <summary>True when this instance now holds the mark for <paramref name="sharedKey"/> (or Redis cannot say: then fetch).</summary>
    public async Task<bool> TryTakeAsync(string sharedKey, TimeSpan hold)
    {
        // No coordination without Redis: each instance fetches, as one instance alone would.
        var (ok, taken) = await redis.TryAsync(
            db => db.StringSetAsync(KeyPrefix + sharedKey, holder, hold, When.NotExists),
            "feed fetch mark"
        );
        return !ok || taken;
    }

    /// <summary>Whether another instance still holds the mark.</summary>
    public async Task<bool> IsHeldAsync(string sharedKey)
    {
        var (ok, held) = await redis.TryAsync(db => db.KeyExistsAsync(KeyPrefix + sharedKey), "feed fetch mark");
        return ok && held;
    }

    /// <summary>Frees the mark if this instance still holds it.</summary>
    public async Task ReleaseAsync(string sharedKey)
    {
        // Not released (Redis away): it expires on its own.
        await redis.TryAsync(
            db =>
                db.ScriptEvaluateAsync(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                    [(RedisKey)(KeyPrefix + sharedKey)],
                    [(RedisValue)holder]
                ),
            "feed fetch mark"
        );
    }
}
