using Cal.Application.Common.Interfaces;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cal.Infrastructure.RateLimiting;

/// <summary>
/// Rate-limit counts in Redis, shared by every instance of a fleet: one key per partition and window,
/// incremented atomically (a Lua script: INCR, and an expiry on the first hit), so N instances enforce
/// one limit. If Redis cannot be reached the request is let through (and a warning logged): a limiter
/// outage must not become an API outage.
/// </summary>
internal sealed partial class RedisRateLimitStore(IConnectionMultiplexer redis, ILogger<RedisRateLimitStore> logger) : IRateLimitStore
{
    private static readonly LuaScript Increment = LuaScript.Prepare(
        "local c = redis.call('INCR', @key) if c == 1 then redis.call('PEXPIRE', @key, @ttl) end return c");

    public async ValueTask<long> IncrementAsync(string partition, long windowIndex, TimeSpan window, CancellationToken cancellationToken)
    {
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(
                Increment,
                new { key = (RedisKey)$"cal:rate:{partition}:{windowIndex}", ttl = (long)(window.TotalMilliseconds * 2) });
            return (long)result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, ex.GetType().Name);
            return 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiting skipped for a request: Redis is unavailable ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string error);
}
