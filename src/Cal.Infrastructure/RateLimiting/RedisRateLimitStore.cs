using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Caching;
using StackExchange.Redis;

namespace Cal.Infrastructure.RateLimiting;

/// <summary>
/// Rate-limit counts in Redis, shared by every instance of a fleet: one key per partition and window,
/// incremented atomically (a Lua script: INCR, and an expiry on the first hit), so N instances enforce
/// one limit. While Redis cannot answer (<see cref="RedisGuard"/>: a short timeout, then a break) each instance counts
/// in its own memory: the limit holds per instance, and a limiter outage never becomes an API outage or a wait.
/// </summary>
internal sealed class RedisRateLimitStore(RedisGuard redis, MemoryRateLimitStore fallback) : IRateLimitStore
{
    private static readonly LuaScript Increment = LuaScript.Prepare(
        "local c = redis.call('INCR', @key) if c == 1 then redis.call('PEXPIRE', @key, @ttl) end return c"
    );

    public async ValueTask<long> IncrementAsync(string partition, long windowIndex, TimeSpan window, CancellationToken cancellationToken)
    {
        var (ok, count) = await redis.TryAsync(
            db =>
                db.ScriptEvaluateAsync(
                    Increment,
                    new { key = (RedisKey)$"cal:rate:{partition}:{windowIndex}", ttl = (long)(window.TotalMilliseconds * 2) }
                ),
            "rate limit"
        );
        return ok ? (long)count! : await fallback.IncrementAsync(partition, windowIndex, window, cancellationToken);
    }
}
