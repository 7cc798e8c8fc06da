using Cal.Infrastructure.RateLimiting;
using Cal.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Cal.Infrastructure.IntegrationTests.Distributed;

/// <summary>The shared rate-limit store against a real redis-server on loopback: what makes a fleet's limit global.</summary>
public sealed class RedisRateLimitStoreTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private static RedisRateLimitStore Store(
        ConnectionMultiplexer connection,
        Microsoft.Extensions.Logging.ILogger<Caching.RedisGuard>? logger = null
    ) =>
        new(
            new Caching.RedisGuard(
                new Lazy<IConnectionMultiplexer>(connection),
                Microsoft.Extensions.Options.Options.Create(new Caching.RedisOptions()),
                TimeProvider.System,
                logger ?? NullLogger<Caching.RedisGuard>.Instance
            ),
            new MemoryRateLimitStore()
        );

    private static ConnectionMultiplexer Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;
        return ConnectionMultiplexer.Connect(options);
    }

    [Test]
    public async Task TwoInstances_CountIntoOneLimit_WithoutLosingIncrements()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var a = Connect(redis.Configuration);
        using var b = Connect(redis.Configuration);
        var instanceA = Store(a);
        var instanceB = Store(b);

        var counts = await Task.WhenAll(
            Enumerable
                .Range(0, 200)
                .Select(i => (i % 2 == 0 ? instanceA : instanceB).IncrementAsync("api-key:1", 42, Window, CancellationToken.None).AsTask())
        );

        Assert.That(counts.Order(), Is.EqualTo(Enumerable.Range(1, 200).Select(i => (long)i)));
        Assert.That(await instanceB.IncrementAsync("api-key:2", 42, Window, CancellationToken.None), Is.EqualTo(1), "another partition");
        Assert.That(await instanceA.IncrementAsync("api-key:1", 43, Window, CancellationToken.None), Is.EqualTo(1), "the next window");
        var ttl = await a.GetDatabase().KeyTimeToLiveAsync("cal:rate:api-key:1:42");
        Assert.That(
            ttl,
            Is.Not.Null.And.GreaterThan(TimeSpan.FromSeconds(60)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(120)),
            "counters expire by themselves"
        );
    }

    [Test]
    public async Task RedisDown_CountsInThisInstance_AndWarnsOnce()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var connection = Connect(redis.Configuration);
        var logger = new ListLogger<Caching.RedisGuard>();
        var store = Store(connection, logger);
        Assert.That(await store.IncrementAsync("p", 1, Window, CancellationToken.None), Is.EqualTo(1));

        redis.Dispose();

        var counts = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            counts.Add(await store.IncrementAsync("p", 1, Window, CancellationToken.None));
        }

        Assert.That(
            counts,
            Is.EqualTo(new long[] { 1, 2, 3 }),
            "counted in this process while Redis is away: the limit holds per instance"
        );
        Assert.That(
            logger.Messages.Count(m => m.Contains("Redis unavailable", StringComparison.Ordinal)),
            Is.EqualTo(1),
            "one warning for the outage"
        );
    }
}
