using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cal.Infrastructure.Caching;

/// <summary>
/// The one channel by which an instance tells the others (and itself) to drop what it caches: validated tokens of a
/// revoked API key or token family, a user's calendar read model after a write. Without Redis it acts in this
/// process only. With <c>Redis:Configuration</c> every message also goes out on the Redis pub/sub channel
/// <see cref="Channel"/> and each instance applies what the others send. Messages carry a topic and an id only
/// (<c>auth</c> + a caller partition such as <c>key:12</c>, <c>calendars</c> + a user id), never a secret.
/// Pub/sub delivers at most once: while the connection is down messages are lost, so each cache keeps its own bounded
/// staleness (<c>Auth:CacheDuration</c>), a warning says so, and when the connection comes back every cache here is
/// cleared (what was missed cannot be known).
/// <para>
/// Pub/sub is also asynchronous: a message published before the writer answers may reach another instance just after
/// the writer's client has already asked that instance again. Where a reader must see its own writes everywhere at once
/// (a user's calendars), each published change also moves a version in Redis (<see cref="VersionAsync"/>) before the
/// message goes out, and the reader compares the version its cached view was built at: one <c>GET</c> per read in a fleet.
/// </para>
/// </summary>
internal sealed partial class FleetInvalidation(RedisGuard? redis, ILogger<FleetInvalidation> logger)
{
    public const string Channel = "cal:invalidate";

    private static readonly RedisChannel RedisChannelName = RedisChannel.Literal(Channel);

    private readonly string instance = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, (Action<string> One, Action All)> topics = new(StringComparer.Ordinal);
    private int subscribed;

    /// <summary>Whether messages reach other instances (Redis configured).</summary>
    public bool IsFleetWide => redis is not null;

    /// <summary>What this process does when told to drop one id of <paramref name="topic"/>, or everything of it.</summary>
    public void Register(string topic, Action<string> one, Action all) => topics[topic] = (one, all);

    /// <summary>How long a version outlives its last change (far beyond any read model's time to live).</summary>
    private static readonly TimeSpan VersionLifetime = TimeSpan.FromHours(1);

    private static RedisKey VersionKey(string topic, string id) => $"cal:version:{topic}:{id}";

    /// <summary>
    /// The fleet-wide version of <paramref name="id"/> of <paramref name="topic"/>: moved by every <see cref="PublishAsync"/>
    /// (with <c>versioned</c>) before its message goes out. Null without Redis, or when Redis cannot answer now (the
    /// caller then relies on the messages and its own time to live, as without a fleet; <see cref="RedisGuard"/> warns once).
    /// </summary>
    public async ValueTask<long?> VersionAsync(string topic, string id)
    {
        if (redis is null)
        {
            return null;
        }

        var (ok, value) = await redis.TryAsync(db => db.StringGetAsync(VersionKey(topic, id)), "read-model version");
        return !ok ? null
            : value.IsNull ? 0
            : (long)value;
    }

    /// <summary>Drops <paramref name="id"/> of <paramref name="topic"/> here at once (unless <paramref name="andHere"/> is false), then
    /// tells the other instances.</summary>
    /// <param name="versioned">Also move the fleet-wide version first (<see cref="VersionAsync"/>), for readers that must see the change at
    /// once.</param>
    /// <param name="andHere">False when this instance already holds the change (it made it) and only the others must drop theirs.</param>
    public async ValueTask PublishAsync(string topic, string id, bool versioned = false, bool andHere = true)
    {
        if (andHere && topics.TryGetValue(topic, out var handlers))
        {
            handlers.One(id);
        }

        if (redis is null)
        {
            return;
        }

        if (versioned)
        {
            // Before the message and before the writer answers: a reader asking after that sees the new version.
            await redis.TryAsync(
                async db =>
                {
                    await db.StringIncrementAsync(VersionKey(topic, id));
                    return await db.KeyExpireAsync(VersionKey(topic, id), VersionLifetime);
                },
                "read-model version"
            );
        }

        // Waits for Redis's reply (sub-millisecond on a LAN): an admin command that revokes a key and exits has sent it.
        if (
            !(
                await redis.TryAsync(
                    () => redis.Connection.GetSubscriber().PublishAsync(RedisChannelName, $"{instance}|{topic}|{id}"),
                    "invalidation"
                )
            ).Ok
        )
        {
            LogPublishFailed(logger, topic);
        }
    }

    /// <summary>Starts listening to the other instances (a no-op without Redis, or when already listening).</summary>
    public async Task SubscribeAsync()
    {
        if (redis is null || Interlocked.Exchange(ref subscribed, 1) == 1)
        {
            return;
        }

        var connection = redis.Connection;
        connection.ConnectionFailed += (_, e) => LogConnectionLost(logger, e.FailureType.ToString());
        connection.ConnectionRestored += (_, _) =>
        {
            LogConnectionRestored(logger);
            foreach (var (_, handlers) in topics)
            {
                handlers.All();
            }
        };
        try
        {
            // Registered with the multiplexer, which renews it after every reconnect.
            await connection.GetSubscriber().SubscribeAsync(RedisChannelName, (_, message) => Apply(message));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogConnectionLost(logger, ex.GetType().Name);
            Interlocked.Exchange(ref subscribed, 0); // tried again at the next start of a subscriber
        }
    }

    private void Apply(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('|', 3);
        if (parts.Length != 3 || parts[0] == instance || !topics.TryGetValue(parts[1], out var handlers))
        {
            return; // our own (applied when published), or not understood
        }

        handlers.One(parts[2]);
    }

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "A {Topic} invalidation did not reach the fleet (Redis away); other instances drop that entry within its own bound "
            + "(Auth:CacheDuration, ReadModel:TimeToLive)"
    )]
    private static partial void LogPublishFailed(ILogger logger, string topic);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Redis connection lost ({Failure}): invalidations from other instances may be missed until it is back; cached "
            + "tokens and calendar "
            + "lists are trusted only within Auth:CacheDuration meanwhile"
    )]
    private static partial void LogConnectionLost(ILogger logger, string failure);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Redis connection restored: every cached token and calendar list here dropped, as invalidations may have been missed"
    )]
    private static partial void LogConnectionRestored(ILogger logger);
}

/// <summary>Subscribes to the fleet's invalidations when the host starts.</summary>
internal sealed class FleetInvalidationSubscriber(FleetInvalidation fleet) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => fleet.SubscribeAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
