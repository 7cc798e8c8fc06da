using System.Diagnostics;
using Cal.Application.Authentication;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Caching;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.IntegrationTests.Distributed;

/// <summary>
/// Issue #19: two instances (two hosts, each with its own memory) on one loopback redis-server. A revocation or a
/// calendar write on one drops the other's cached token or read model through Redis pub/sub, in milliseconds, not
/// after Auth:CacheDuration; messages carry ids only.
/// </summary>
[NonParallelizable]
public sealed class FleetInvalidationTests
{
    private static async Task<InfrastructureHost> InstanceAsync(TempDirectory folder, RedisServer redis, bool listens = true)
    {
        var host = InfrastructureHost.Create(
            folder.Path,
            new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration, ["DataProtection:KeysPath"] = null }
        );
        if (listens)
        {
            await host.Get<FleetInvalidation>().SubscribeAsync(); // what the hosted FleetInvalidationSubscriber does at start
        }

        return host;
    }

    private static CachedBearer Bearer(int apiKeyId) =>
        new(new AuthenticatedCaller(7, "a@example.com", "UTC", apiKeyId, null), DateTimeOffset.UtcNow.AddMinutes(1), null);

    private static async Task<long> MillisecondsUntilAsync(Func<bool> condition, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (limit ?? TimeSpan.FromSeconds(5)))
            {
                return -1;
            }

            await Task.Delay(1);
        }

        return clock.ElapsedMilliseconds;
    }

    [Test]
    public async Task AKeyRevokedOnOneInstance_IsForgottenByTheOther_InMilliseconds()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        await using var a = await InstanceAsync(folderA, redis);
        await using var b = await InstanceAsync(folderB, redis);
        var cacheA = a.Get<IAuthenticationCache>();
        var cacheB = b.Get<IAuthenticationCache>();
        cacheA.Set("hash-1", Bearer(12), cacheA.Generation);
        cacheB.Set("hash-1", Bearer(12), cacheB.Generation);
        cacheB.Set("hash-2", Bearer(13), cacheB.Generation);

        await cacheA.InvalidateAsync(AuthenticatedCaller.ApiKeyPartition(12));

        Assert.That(cacheA.Get("hash-1"), Is.Null, "at once where it was revoked");
        var elapsed = await MillisecondsUntilAsync(() => cacheB.Get("hash-1") is null);
        // Milliseconds on a quiet machine (deploy/fleet/fleet.sh holds the fleet to 100 ms); a loaded test run gets a second.
        Assert.That(elapsed, Is.InRange(0, 1000), "the other instance, in milliseconds, not Auth:CacheDuration");
        Assert.That(cacheB.Get("hash-2"), Is.Not.Null, "another key is untouched");
    }

    [Test]
    public async Task ACalendarWriteOnOneInstance_DropsTheOthersReadModel()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        await using var a = await InstanceAsync(folderA, redis);
        await using var b = await InstanceAsync(folderB, redis);
        var modelB = b.Get<IUserCalendarsCache>();
        var builds = 0;
        Task<string> Build(CancellationToken _) => Task.FromResult($"view {++builds}");
        Assert.That(await modelB.GetOrBuildAsync(5, Build, CancellationToken.None), Is.EqualTo("view 1"));
        Assert.That(await modelB.GetOrBuildAsync(5, Build, CancellationToken.None), Is.EqualTo("view 1"), "served from memory");
        Assert.That(await modelB.GetOrBuildAsync(6, Build, CancellationToken.None), Is.EqualTo("view 2"));

        await a.Get<IUserCalendarsCache>().InvalidateAsync(5);

        var elapsed = await MillisecondsUntilAsync(() =>
            modelB.GetOrBuildAsync(5, Build, CancellationToken.None).AsTask().Result != "view 1"
        );
        Assert.That(elapsed, Is.InRange(0, 1000), "in milliseconds, not ReadModel:TimeToLive");
        Assert.That(await modelB.GetOrBuildAsync(6, Build, CancellationToken.None), Is.EqualTo("view 2"), "another user's is kept");
    }

    [Test]
    public async Task AWriteAnsweredByOneInstance_IsSeenByTheNextReadOnAnother_BeforeAnyMessageArrives()
    {
        // Pub/sub is asynchronous: the writer's client can ask another instance again before the message is there. B here
        // hears no message at all: its very next read must still not be the stale view (the fleet's version moved first).
        using var redis = RedisServer.StartOrIgnore();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        await using var a = await InstanceAsync(folderA, redis);
        await using var b = await InstanceAsync(folderB, redis, listens: false);
        var modelB = b.Get<IUserCalendarsCache>();
        var builds = 0;
        Task<string> Build(CancellationToken _) => Task.FromResult($"view {++builds}");
        Assert.That(await modelB.GetOrBuildAsync(5, Build, CancellationToken.None), Is.EqualTo("view 1"));
        Assert.That(
            await modelB.GetOrBuildAsync(5, Build, CancellationToken.None),
            Is.EqualTo("view 1"),
            "served from memory while nothing changed"
        );

        await a.Get<IUserCalendarsCache>().InvalidateAsync(5);

        Assert.That(await modelB.GetOrBuildAsync(5, Build, CancellationToken.None), Is.EqualTo("view 2"), "the next read, at once");
        Assert.That(await modelB.GetOrBuildAsync(5, Build, CancellationToken.None), Is.EqualTo("view 2"), "then from memory again");
        Assert.That(await modelB.GetOrBuildAsync(6, Build, CancellationToken.None), Is.EqualTo("view 3"));
        Assert.That(
            await modelB.GetOrBuildAsync(6, Build, CancellationToken.None),
            Is.EqualTo("view 3"),
            "another user's view is not touched by the write"
        );
    }

    [Test]
    public async Task ARedisRestart_IsWarnedAbout_ThenEveryCacheIsDropped_AndTheChannelWorksAgain()
    {
        // Pub/sub loses what is sent while the connection is down: the instance says so, and when Redis is back it
        // drops every cached token and read model (whatever it missed cannot be known), then hears the others again.
        using var redis = RedisServer.StartOrIgnore();
        using var folderA = new TempDirectory();
        using var folderB = new TempDirectory();
        await using var a = await InstanceAsync(folderA, redis);
        await using var b = await InstanceAsync(folderB, redis);
        var tokensA = a.Get<IAuthenticationCache>();
        var modelA = a.Get<IUserCalendarsCache>();
        tokensA.Set("hash-1", Bearer(12), tokensA.Generation);
        var builds = 0;
        Task<string> Build(CancellationToken _) => Task.FromResult($"view {++builds}");
        await modelA.GetOrBuildAsync(5, Build, CancellationToken.None);

        redis.Restart();

        var warned = await MillisecondsUntilAsync(
            () =>
                a.Logs.Entries.Any(e =>
                    e.StartsWith("Warning ", StringComparison.Ordinal) && e.Contains("Redis connection lost", StringComparison.Ordinal)
                ),
            TimeSpan.FromSeconds(30)
        );
        Assert.That(warned, Is.GreaterThanOrEqualTo(0), "a warning that invalidations may be missed");
        var dropped = await MillisecondsUntilAsync(() => tokensA.Get("hash-1") is null, TimeSpan.FromSeconds(30));
        Assert.That(dropped, Is.GreaterThanOrEqualTo(0), "the cached token dropped once the connection is back");
        // Each cache is dropped by its own handler of the one "restored" event, one after the other: the read model's may
        // run a moment after the tokens'. Until it has, the read is the kept view 1; then it is built again, once.
        var clock = Stopwatch.StartNew();
        while (await modelA.GetOrBuildAsync(5, Build, CancellationToken.None) == "view 1" && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(1);
        }

        Assert.That(await modelA.GetOrBuildAsync(5, Build, CancellationToken.None), Is.EqualTo("view 2"), "the read model rebuilt");
        Assert.That(builds, Is.EqualTo(2), "built again once, not on every read");

        // Listening again: a revocation on B reaches A (the multiplexer renews the subscription after reconnecting).
        tokensA.Set("hash-3", Bearer(14), tokensA.Generation);
        var heard = await MillisecondsUntilAsync(
            () =>
            {
                b.Get<IAuthenticationCache>().InvalidateAsync(AuthenticatedCaller.ApiKeyPartition(14)).AsTask().GetAwaiter().GetResult();
                return tokensA.Get("hash-3") is null;
            },
            TimeSpan.FromSeconds(30)
        );
        Assert.That(heard, Is.GreaterThanOrEqualTo(0), "the fleet channel works again after the restart");
    }

    [Test]
    public async Task WhatGoesOverRedis_IsATopicAndAnId_NeverASecret()
    {
        using var redis = RedisServer.StartOrIgnore();
        using var folder = new TempDirectory();
        await using var a = await InstanceAsync(folder, redis);
        using var listener = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await listener
            .GetSubscriber()
            .SubscribeAsync(StackExchange.Redis.RedisChannel.Literal(FleetInvalidation.Channel), (_, m) => seen.Enqueue(m!));

        await a.Get<IAuthenticationCache>().InvalidateAsync(AuthenticatedCaller.ApiKeyPartition(12));
        await a.Get<IUserCalendarsCache>().InvalidateAsync(5);

        Assert.That(await MillisecondsUntilAsync(() => seen.Count == 2), Is.GreaterThanOrEqualTo(0));
        Assert.That(
            seen.Select(m => m[(m.IndexOf('|', StringComparison.Ordinal) + 1)..]),
            Is.EquivalentTo(new[] { "auth|api-key:12", "calendars|5" }),
            "in either order: pub/sub handlers may run concurrently"
        );
    }

    [Test]
    public async Task ABuildThatRacedAWrite_IsAnsweredButNotKept()
    {
        using var folder = new TempDirectory();
        await using var host = InfrastructureHost.Create(folder.Path);
        var model = host.Get<IUserCalendarsCache>();
        var release = new TaskCompletionSource();

        var racing = model
            .GetOrBuildAsync(
                5,
                async _ =>
                {
                    await release.Task;
                    return "read before the write";
                },
                CancellationToken.None
            )
            .AsTask();
        await model.InvalidateAsync(5); // the write lands while the read is in flight
        release.SetResult();

        Assert.That(await racing, Is.EqualTo("read before the write"));
        Assert.That(
            await model.GetOrBuildAsync(5, _ => Task.FromResult("after"), CancellationToken.None),
            Is.EqualTo("after"),
            "the stale build was not cached"
        );
    }

    [Test]
    public async Task ConcurrentMisses_ShareOneBuild_ButNotAcrossAWrite_NorTheLeadersCancellation()
    {
        using var folder = new TempDirectory();
        await using var host = InfrastructureHost.Create(folder.Path);
        var model = host.Get<IUserCalendarsCache>();
        var builds = 0;
        var release = new TaskCompletionSource();
        Func<CancellationToken, Task<string>> Build(string answer) =>
            async token =>
            {
                Interlocked.Increment(ref builds);
                await release.Task.WaitAsync(token);
                return answer;
            };

        // Twenty requests miss at once: one build, one answer for all.
        var reads = Enumerable.Range(0, 20).Select(_ => model.GetOrBuildAsync(5, Build("first"), CancellationToken.None).AsTask()).ToList();
        // A write lands while that build is in flight: a request after it builds for itself.
        await model.InvalidateAsync(5);
        var afterWrite = model.GetOrBuildAsync(5, Build("after the write"), CancellationToken.None).AsTask();
        release.SetResult();

        Assert.That(await Task.WhenAll(reads), Is.All.EqualTo("first"));
        Assert.That(await afterWrite, Is.EqualTo("after the write"));
        Assert.That(builds, Is.EqualTo(2), "one build before the write, one after: not 21");

        // The request leading a build goes away: the one that joined it builds for itself and answers.
        await model.InvalidateAsync(6);
        release = new TaskCompletionSource();
        using var leaderGone = new CancellationTokenSource();
        var leader = model.GetOrBuildAsync(6, Build("never"), leaderGone.Token).AsTask();
        var follower = model.GetOrBuildAsync(6, Build("the follower's own"), CancellationToken.None).AsTask();
        await leaderGone.CancelAsync();
        Assert.That(async () => await leader, Throws.InstanceOf<OperationCanceledException>());
        release.SetResult();
        Assert.That(await follower, Is.EqualTo("the follower's own"));
    }
}
