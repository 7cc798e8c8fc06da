using Cal.Infrastructure.Caching;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Caps what the fleet keeps in Redis's feed level: bytes written are counted per window of one
/// <see cref="FeedCacheOptions.SharedTimeToLive"/> (atomically, a Lua script), and a write is refused when this window's and
/// the previous window's bytes would pass <see cref="FeedCacheOptions.MaxSharedBytes"/>. Every entry lives one time-to-live,
/// so whatever is in Redis at any moment was written in those two windows: the cap bounds what is held, not just the rate.
/// The counters live under their own prefix (<c>cal:feed-budget:</c>), apart from the entries. Redis unreachable: refused.
/// </summary>
internal sealed class SharedFeedBudget(RedisGuard redis, IOptions<FeedCacheOptions> options, TimeProvider time)
{
    public const string KeyPrefix = "cal:feed-budget:";

    private static readonly LuaScript Reserve = LuaScript.Prepare(
        "local n = redis.call('INCRBY', @current, @bytes) "
            + "if n == tonumber(@bytes) then redis.call('PEXPIRE', @current, @ttl) end "
            + "local before = tonumber(redis.call('GET', @previous) or '0') "
            + "if n + before > tonumber(@cap) then redis.call('DECRBY', @current, @bytes) return 0 end "
            + "return 1"
    );

    /// <summary>True when <paramref name="bytes"/> more may be written to the shared level now.</summary>
    public async Task<bool> TryReserveAsync(long bytes)
    {
        var o = options.Value;
        if (bytes > o.MaxSharedBytes)
        {
            return false;
        }

        var window = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)o.SharedTimeToLive.TotalMilliseconds;
        var (ok, result) = await redis.TryAsync(
            db =>
                db.ScriptEvaluateAsync(
                    Reserve,
                    new
                    {
                        current = (RedisKey)(KeyPrefix + window),
                        previous = (RedisKey)(KeyPrefix + (window - 1)),
                        bytes,
                        cap = o.MaxSharedBytes,
                        ttl = (long)(o.SharedTimeToLive.TotalMilliseconds * 2),
                    }
                ),
            "shared feed budget"
        );
        return ok && (long)result! == 1;
    }
}
