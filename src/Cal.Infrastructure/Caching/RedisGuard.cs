using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Cal.Infrastructure.Caching;

/// <summary>Section <c>Redis</c>: the fleet's shared Redis, and how long a request waits for it.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis's configuration string (<c>127.0.0.1:6379</c>); unset: no fleet, every count and cache in this
    /// process.</summary>
    public string? Configuration { get; set; }

    /// <summary>The longest a request waits for one Redis call; past it the call counts as failed and the request goes on without
    /// it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a failed call, how long requests skip Redis altogether before one tries it again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Every Redis call a request makes goes through here: a short timeout (<see cref="RedisOptions.OperationTimeout"/>), and
/// a breaker: after a failure (a timeout, an error, no connection) requests skip Redis for
/// <see cref="RedisOptions.BreakDuration"/>, then one request tries again. One warning when an outage starts, one line when
/// it ends. Callers say what to do without Redis (count in this process, trust their own time to live, fetch themselves):
/// a Redis that is down or stops answering costs a request at most one timeout, and most requests nothing.
/// </summary>
internal sealed partial class RedisGuard(
    Lazy<IConnectionMultiplexer> redis,
    IOptions<RedisOptions> options,
    TimeProvider time,
    ILogger<RedisGuard> logger
)
{
    private long openUntil;
    private int probing;
    private int down;

    public IConnectionMultiplexer Connection => redis.Value;

    /// <summary>Whether calls are being skipped now (an outage is under way).</summary>
    public bool IsOpen => time.GetUtcNow().UtcTicks < Interlocked.Read(ref openUntil);

    /// <summary>Runs <paramref name="call"/> on the database within the timeout; (false, default) when Redis is skipped, fails or is too
    /// slow.</summary>
    public ValueTask<(bool Ok, T? Value)> TryAsync<T>(Func<IDatabase, Task<T>> call, string what) =>
        TryAsync(() => call(redis.Value.GetDatabase()), what);

    /// <summary>As the other overload, for a call that reaches Redis another way (the distributed cache, the subscriber).</summary>
    public async ValueTask<(bool Ok, T? Value)> TryAsync<T>(Func<Task<T>> call, string what)
    {
        var probe = false;
        if (Interlocked.Read(ref openUntil) != 0)
        {
            // Open: skip until the break is over; then one caller probes while the others still skip.
            if (IsOpen || Interlocked.CompareExchange(ref probing, 1, 0) != 0)
            {
                return (false, default);
            }

            probe = true;
        }

        try
        {
            if (!redis.Value.IsConnected)
            {
                Trip(what, "not connected");
                return (false, default);
            }

            var task = call();
            try
            {
                var value = await task.WaitAsync(options.Value.OperationTimeout, time);
                Close();
                return (true, value);
            }
            catch (TimeoutException) when (!task.IsCompleted)
            {
                _ = task.ContinueWith(
                    static t => t.Exception,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted,
                    TaskScheduler.Default
                ); // observed, later
                throw;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Trip(what, ex.GetType().Name);
            return (false, default);
        }
        finally
        {
            if (probe)
            {
                Volatile.Write(ref probing, 0);
            }
        }
    }

    /// <summary>As <see cref="TryAsync{T}(Func{Task{T}}, string)"/> for a call without a result; false when it did not happen.</summary>
    public async ValueTask<bool> TryAsync(Func<Task> call, string what) =>
        (
            await TryAsync(
                async () =>
                {
                    await call();
                    return true;
                },
                what
            )
        ).Ok;

    private void Trip(string what, string error)
    {
        Interlocked.Exchange(ref openUntil, (time.GetUtcNow() + options.Value.BreakDuration).UtcTicks);
        if (Interlocked.Exchange(ref down, 1) == 0)
        {
            LogOutage(logger, what, error, options.Value.BreakDuration.TotalSeconds);
        }
    }

    private void Close()
    {
        if (Interlocked.Read(ref openUntil) != 0)
        {
            Interlocked.Exchange(ref openUntil, 0);
        }

        if (Interlocked.Exchange(ref down, 0) == 1)
        {
            LogRecovered(logger);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Redis unavailable ({What}: {Error}): requests go on without it (rate limits counted per instance, caches trusted "
            + "within their "
            + "own time to live) and try it again every {BreakSeconds} s"
    )]
    private static partial void LogOutage(ILogger logger, string what, string error, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again")]
    private static partial void LogRecovered(ILogger logger);
}
