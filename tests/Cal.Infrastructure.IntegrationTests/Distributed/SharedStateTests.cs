using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Domain.Common;
using Cal.Infrastructure.Calendars.IcsFeeds;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Cal.Infrastructure.IntegrationTests.Distributed;

/// <summary>
/// Two instances (two hosts, each with its own folder and memory) sharing one loopback redis-server: what
/// one protects the other reads, and a feed fetched by one is not fetched again by the other.
/// </summary>
[NonParallelizable]
public sealed class SharedStateTests
{
    private static Credential CredentialOf(int userId, int id)
    {
        var credential = Credential.ForIcsFeed(userId, "protected");
        typeof(Entity).GetProperty(nameof(Entity.Id))!.SetValue(credential, id);
        return credential;
    }

    private static InfrastructureHost Instance(
        TempDirectory folder,
        RedisServer redis,
        string? database = null,
        Dictionary<string, string?>? extra = null
    )
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["DataProtection:KeysPath"] = null, // a fleet's default: the key ring in the (shared) database
            ["FeedCache:TimeToLive"] = "01:00:00",
        };
        if (database is not null)
        {
            settings["ConnectionStrings:Default"] = $"Data Source={database}";
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return InfrastructureHost.Create(folder.Path, settings);
    }

    private static async Task<int> SaveCredentialAsync(InfrastructureHost host, string secret) =>
        await host.InScopeAsync(async sp =>
        {
            var user = Domain.Users.User.Create($"{Guid.NewGuid():N}@example.test", "Europe/Berlin", null, DateTimeOffset.UnixEpoch);
            await sp.GetRequiredService<IUserRepository>().AddAsync(user, CancellationToken.None);
            return (
                await sp.GetRequiredService<ICredentialRepository>()
                    .SaveIcsFeedAsync(user.Id, sp.GetRequiredService<ISecretProtector>().Protect(secret), CancellationToken.None)
            ).Id;
        });

    private static Task<string> ReadCredentialAsync(InfrastructureHost host, int id) =>
        host.InScopeAsync(async sp =>
            sp.GetRequiredService<ISecretProtector>()
                .Unprotect(
                    (await sp.GetRequiredService<Cal.Infrastructure.Persistence.CalDbContext>().Credentials.FindAsync(id))!.ProtectedKey
                )
        );

    [Test]
    public async Task AFleetsKeyRing_IsInTheDatabase_SoARedisFlushLosesNoCredential()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var shared = new TempDirectory();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        var database = Path.Combine(shared.Path, "cal.db");
        await using var a = Instance(folderA, redis, database);
        await a.InitializeDatabaseAsync();
        var id = await SaveCredentialAsync(a, "secret-token");

        using var connection = ConnectionMultiplexer.Connect(redis.Configuration + ",allowAdmin=true");
        await connection.GetServer(redis.Configuration).FlushAllDatabasesAsync(); // an eviction, a restart without persistence
        await using var b = Instance(folderB, redis, database);
        await b.InitializeDatabaseAsync();

        Assert.That(await ReadCredentialAsync(b, id), Is.EqualTo("secret-token"));
        Assert.That(
            await connection.GetDatabase().KeyExistsAsync(DependencyInjection.DataProtectionRedisKey),
            Is.False,
            "no key ring in Redis"
        );
        Assert.That(Directory.Exists(Path.Combine(folderA.Path, "user-data")), Is.False, "none in an instance's folder");
    }

    [Test]
    public async Task AKeyRingEarlierVersionsKeptInRedis_IsCarriedIntoTheDatabase()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var shared = new TempDirectory();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        var database = Path.Combine(shared.Path, "cal.db");
        await using var old = Instance(folderA, redis, database, new() { ["DataProtection:KeyStore"] = "Redis" });
        await old.InitializeDatabaseAsync();
        var id = await SaveCredentialAsync(old, "secret-token");

        await using var upgraded = Instance(folderB, redis, database);
        await upgraded.InitializeDatabaseAsync();

        Assert.That(await ReadCredentialAsync(upgraded, id), Is.EqualTo("secret-token"));
        var keys = await upgraded.InScopeAsync(sp =>
            Task.FromResult(sp.GetRequiredService<Cal.Infrastructure.Persistence.CalDbContext>().DataProtectionKeys.Count())
        );
        Assert.That(keys, Is.EqualTo(1));
    }

    [Test]
    public async Task TheSharedFeedLevel_KeepsWithinItsByteCap()
    {
        using var redis = RedisServer.StartOrIgnore();
        await using var feeds = await IcsFeedServer.StartAsync();
        var padding = "X-PADDING:" + new string('x', 30_000) + "\r\n"; // each feed's shared entry is a little over 30 KB
        var urls = Enumerable
            .Range(1, 3)
            .Select(n =>
                IcsFeedUrl.Create(
                    feeds.AddFeed(
                        $"f{n}",
                        IcsSamples.Simple($"Feed {n}").Replace("X-WR-CALNAME", padding + "X-WR-CALNAME", StringComparison.Ordinal)
                    )
                )
            )
            .ToList();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        var capped = new Dictionary<string, string?>
        {
            ["FeedCache:MaxSharedBytes"] = "70000",
            ["DataProtection:KeysPath"] = Path.Combine(folderA.Path, "keys"),
        };
        await using var a = Instance(folderA, redis, extra: capped);
        await using var b = Instance(folderB, redis, extra: capped);

        foreach (var url in urls)
        {
            await a.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None);
            await b.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None);
        }

        using var connection = ConnectionMultiplexer.Connect(redis.Configuration);
        var server = connection.GetServer(redis.Configuration);
        Assert.That(
            server.Keys(pattern: FeedCache.SharedKeyPrefix + "*").ToList(),
            Has.Count.EqualTo(2),
            "two entries fit under 70,000 bytes, the third does not"
        );
        Assert.That(
            urls.Select((_, n) => feeds.RequestCount($"/feeds/f{n + 1}")),
            Is.EqualTo(new[] { 1, 1, 2 }),
            "past the cap each instance fetches for itself"
        );
        Assert.That(server.Keys(pattern: "cal:feed-budget:*").ToList(), Is.Not.Empty, "the budget's counters under their own prefix");
    }

    [Test]
    public async Task AFeedFetchedByOneInstance_IsServedToAnotherFromRedis_AsAProtectedPayload()
    {
        using var redis = RedisServer.StartOrIgnore();
        await using var feeds = await IcsFeedServer.StartAsync();
        var url = IcsFeedUrl.Create(feeds.AddFeed("shared", IcsSamples.Simple("Fleet")));
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        using var shared = new TempDirectory();
        var database = Path.Combine(shared.Path, "cal.db");
        await using var a = Instance(folderA, redis, database);
        await using var b = Instance(folderB, redis, database);
        await a.InitializeDatabaseAsync();

        var first = await a.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None);
        var second = await b.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None);

        // B indexes the text A fetched: the same calendar, the same events (each instance builds its own index).
        Assert.That(
            (second.Value!.CalendarName, second.Value.Busy!.EventCount),
            Is.EqualTo((first.Value!.CalendarName, first.Value.Busy!.EventCount))
        );
        Assert.That(second.Value.CalendarName, Is.EqualTo("Fleet"));
        Assert.That(second.Value.Busy.EventCount, Is.GreaterThan(0));
        Assert.That(feeds.RequestCount("/feeds/shared"), Is.EqualTo(1), "instance B read instance A's fetch from Redis");
        using var connection = ConnectionMultiplexer.Connect(redis.Configuration);
        var server = connection.GetServer(redis.Configuration);
        var keys = server.Keys(pattern: "cal:feeds:*").ToList();
        Assert.That(keys, Has.Count.EqualTo(1));
        Assert.That(keys[0].ToString(), Does.Not.Contain("shared").And.Not.Contain("127.0.0.1"), "the URL is not in the key");
        var stored = (string?)await connection.GetDatabase().HashGetAsync(keys[0], "data") ?? "";
        Assert.That(stored, Does.Not.Contain("Fleet"), "the feed text is not stored readable");

        await b.Get<IIcsFeedSource>().GetAsync(CredentialOf(2, 5), url, CancellationToken.None);
        Assert.That(feeds.RequestCount("/feeds/shared"), Is.EqualTo(2), "another owner never shares the entry");
    }

    [Test]
    public async Task ConcurrentFirstReadsOnTwoInstances_CostOneUpstreamFetch()
    {
        using var redis = RedisServer.StartOrIgnore();
        await using var feeds = await IcsFeedServer.StartAsync();
        var url = IcsFeedUrl.Create(feeds.AddFeed("slow", IcsSamples.Simple("Slow"), delayMs: 300));
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        using var shared = new TempDirectory();
        var database = Path.Combine(shared.Path, "cal.db");
        await using var a = Instance(folderA, redis, database);
        await using var b = Instance(folderB, redis, database);
        await a.InitializeDatabaseAsync();

        // Ten first reads at once, five on each instance: one instance fetches, the other waits for its result in Redis.
        var reads = await Task.WhenAll(
            Enumerable
                .Range(0, 10)
                .Select(i => (i % 2 == 0 ? a : b).Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None))
        );

        Assert.That(reads.Select(r => r.Value?.CalendarName), Is.All.EqualTo("Slow"));
        Assert.That(feeds.RequestCount("/feeds/slow"), Is.EqualTo(1), "one upstream fetch for the fleet");
        using var connection = ConnectionMultiplexer.Connect(redis.Configuration);
        Assert.That(
            connection.GetServer(redis.Configuration).Keys(pattern: FleetFeedFetchLocks.KeyPrefix + "*").ToList(),
            Is.Empty,
            "the fetch mark is released"
        );
    }

    [Test]
    public async Task RedisDown_TheFeedCacheFallsBackToTheInstance()
    {
        var redis = RedisServer.StartOrIgnore();
        await using var feeds = await IcsFeedServer.StartAsync();
        var url = IcsFeedUrl.Create(feeds.AddFeed("f", IcsSamples.Simple()));
        using var folder = new TempDirectory();
        await using var host = InfrastructureHost.Create(
            folder.Path,
            new Dictionary<string, string?>
            {
                ["Redis:Configuration"] = redis.Configuration + ",connectTimeout=500,syncTimeout=500,asyncTimeout=500",
                ["FeedCache:TimeToLive"] = "01:00:00",
            }
        );
        redis.Dispose();

        var result = await host.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 1), url, CancellationToken.None);
        await host.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 1), url, CancellationToken.None);

        Assert.That(result.Failure, Is.Null);
        Assert.That(feeds.RequestCount("/feeds/f"), Is.EqualTo(1), "this instance's own cache still works");
        Assert.That(
            host.Logs.Entries.Count(e => e.Contains("Redis unavailable", StringComparison.Ordinal)),
            Is.EqualTo(1),
            "one warning for the outage, from the Redis guard"
        );
    }
}
