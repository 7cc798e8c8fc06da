using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// One user's slow feeds must not starve everyone else's saves: each user has a share of the fetch permits, and
/// the time a fetch waits for a permit does not eat its own feed timeout.
/// </summary>
public sealed class FairFetchingTests
{
    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task StartAsync(int permits, int permitsPerUser, string saveTimeout = "00:00:20", long bytesPerMinute = 1L << 30)
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["Outbound:MaxConcurrentFetches"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Outbound:MaxConcurrentFetchesPerUser"] = permitsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Outbound:FeedTimeout"] = "00:00:02",
                ["Outbound:SaveTimeout"] = saveTimeout,
                ["Outbound:MaxBytesPerUserPerMinute"] = bytesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }
        );
    }

    /// <summary>The attacker's save of slow feeds, started first; returns once its fetches hold their permits.</summary>
    private async Task<Task<HttpResponseMessage>> StartSlowSaveAsync(HttpClient attacker, int count)
    {
        var slow = Enumerable.Range(0, count).Select(i => feeds.AddFeed($"slow{i}", IcsSamples.Simple(), delayMs: 5_000)).ToArray();
        var save = attacker.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = slow }));
        for (var i = 0; i < 100 && Enumerable.Range(0, count).Sum(n => feeds.RequestCount($"/feeds/slow{n}")) < Math.Min(count, 2); i++)
        {
            await Task.Delay(50);
        }

        return save;
    }

    [Test]
    public async Task AUsersSlowFeeds_HoldOnlyTheirShare_AndAnotherUsersSaveGoesThrough()
    {
        // A save may take 1.5 s: the victim's 0.5 s feed makes it only if it need not wait for the attacker's permits.
        await StartAsync(permits: 4, permitsPerUser: 2, saveTimeout: "00:00:01.500");
        var (_, attackerKey) = await api.CreateUserWithKeyAsync();
        var (_, victimKey) = await api.CreateUserWithKeyAsync();
        using var attacker = api.CreateAuthorizedClient(attackerKey);
        using var victim = api.CreateAuthorizedClient(victimKey);
        var attack = await StartSlowSaveAsync(attacker, count: 4);

        var own = await victim.PostAsync(
            "/v2/calendars/ics-feed/save",
            Json.Body(new { urls = new[] { feeds.AddFeed("fast", IcsSamples.Simple(), delayMs: 500) } })
        );

        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Created), await own.Content.ReadAsStringAsync());
        Assert.That((await attack).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the slow feeds do not make it in time");
    }

    [Test]
    public async Task WaitingForAPermit_DoesNotEatTheFeedsOwnTimeout()
    {
        // Both permits of the server are held by the attacker's slow feeds for their whole 2 s timeout; the victim's
        // fetch waits for one, then has its own 2 s to be fetched.
        await StartAsync(permits: 2, permitsPerUser: 2);
        var (_, attackerKey) = await api.CreateUserWithKeyAsync();
        var (_, victimKey) = await api.CreateUserWithKeyAsync();
        using var attacker = api.CreateAuthorizedClient(attackerKey);
        using var victim = api.CreateAuthorizedClient(victimKey);
        var attack = await StartSlowSaveAsync(attacker, count: 2);

        var own = await victim.PostAsync(
            "/v2/calendars/ics-feed/save",
            Json.Body(new { urls = new[] { feeds.AddFeed("fast", IcsSamples.Simple(), delayMs: 500) } })
        );

        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Created), await own.Content.ReadAsStringAsync());
        await attack;
    }

    [Test]
    public async Task AUsersFetches_StopAtTheirBytesPerMinute_AndAnotherUsersDoNot()
    {
        // Budget 300 KB a minute; each feed is about 120 KB. The first two fit, the third crosses the budget.
        await StartAsync(permits: 8, permitsPerUser: 8, bytesPerMinute: 300 * 1024);
        var (_, heavyKey) = await api.CreateUserWithKeyAsync();
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var heavy = api.CreateAuthorizedClient(heavyKey);
        using var other = api.CreateAuthorizedClient(otherKey);
        var big = IcsSamples
            .Simple()
            .Replace("X-WR-CALNAME", "X-PADDING:" + new string('x', 120_000) + "\r\nX-WR-CALNAME", StringComparison.Ordinal);
        string Feed(string name) => feeds.AddFeed(name, big);

        var fits = await heavy.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { Feed("a"), Feed("b") } }));
        var over = await heavy.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { Feed("c") } }));
        var others = await other.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { Feed("d"), Feed("e") } }));

        Assert.That(fits.StatusCode, Is.EqualTo(HttpStatusCode.Created), await fits.Content.ReadAsStringAsync());
        Assert.That(over.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var body = await over.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("rate_limited").And.Contain("try again in a minute"));
        Assert.That(others.StatusCode, Is.EqualTo(HttpStatusCode.Created), "another user's budget is their own");
    }
}
