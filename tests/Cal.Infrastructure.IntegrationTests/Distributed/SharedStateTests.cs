using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Domain.Common;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;
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

    private static InfrastructureHost Instance(TempDirectory folder, RedisServer redis) => InfrastructureHost.Create(folder.Path, new Dictionary<string, string?>
    {
        ["Redis:Configuration"] = redis.Configuration,
        ["DataProtection:KeysPath"] = null, // keys in Redis, not in this instance's folder
        ["FeedCache:TimeToLive"] = "01:00:00",
    });

    [Test]
    public async Task SecretsProtectedByOneInstance_AreReadByAnother_WithKeysOnlyInRedis()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        await using var a = Instance(folderA, redis);
        await using var b = Instance(folderB, redis);

        var payload = a.Get<ISecretProtector>().Protect("""{"urls":["https://example.test/secret-token.ics"]}""");

        Assert.That(b.Get<ISecretProtector>().Unprotect(payload), Does.Contain("secret-token"));
        Assert.That(Directory.Exists(Path.Combine(folderA.Path, "keys")), Is.False, "no key written to an instance's folder");
        using var connection = ConnectionMultiplexer.Connect(redis.Configuration);
        Assert.That(await connection.GetDatabase().ListLengthAsync(DependencyInjection.DataProtectionRedisKey), Is.EqualTo(1), "one key ring, shared");
    }

    [Test]
    public async Task AFeedFetchedByOneInstance_IsServedToAnotherFromRedis_AsAProtectedPayload()
    {
        using var redis = RedisServer.StartOrIgnore();
        await using var feeds = await IcsFeedServer.StartAsync();
        var url = IcsFeedUrl.Create(feeds.AddFeed("shared", IcsSamples.Simple("Fleet")));
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        await using var a = Instance(folderA, redis);
        await using var b = Instance(folderB, redis);

        var first = await a.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None);
        var second = await b.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 5), url, CancellationToken.None);

        // B indexes the text A fetched: the same calendar, the same events (each instance builds its own index).
        Assert.That((second.Value!.CalendarName, second.Value.Busy!.EventCount), Is.EqualTo((first.Value!.CalendarName, first.Value.Busy!.EventCount)));
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
    public async Task RedisDown_TheFeedCacheFallsBackToTheInstance()
    {
        var redis = RedisServer.StartOrIgnore();
        await using var feeds = await IcsFeedServer.StartAsync();
        var url = IcsFeedUrl.Create(feeds.AddFeed("f", IcsSamples.Simple()));
        using var folder = new TempDirectory();
        await using var host = InfrastructureHost.Create(folder.Path, new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration + ",connectTimeout=500,syncTimeout=500,asyncTimeout=500",
            ["FeedCache:TimeToLive"] = "01:00:00",
        });
        redis.Dispose();

        var result = await host.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 1), url, CancellationToken.None);
        await host.Get<IIcsFeedSource>().GetAsync(CredentialOf(1, 1), url, CancellationToken.None);

        Assert.That(result.Failure, Is.Null);
        Assert.That(feeds.RequestCount("/feeds/f"), Is.EqualTo(1), "this instance's own cache still works");
        Assert.That(host.Logs.Entries, Has.Some.Contains("Shared feed cache unavailable"));
    }
}
