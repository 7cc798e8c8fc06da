using System.Net;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>Concurrent saves and disconnects through the real host: one credential per user, always one whole submitted set.</summary>
[NonParallelizable]
public sealed class ConcurrencyTests
{
    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["Outbound:SaveTimeout"] = "00:01:00",
                ["Outbound:FeedTimeout"] = "00:00:30",
                ["RateLimiting:PermitLimit"] = "100000",
                ["RateLimiting:AccessTokenPermitLimit"] = "100000",
                ["RateLimiting:OAuthClientPermitLimit"] = "100000",
            }
        );
    }

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    /// <summary>A set of two feeds unique to (user, n).</summary>
    private string[] UrlSet(string user, int n) =>
        [
            feeds.AddFeed($"{user}-{n}-a.ics", IcsSamples.Simple($"{user} {n} a")),
            feeds.AddFeed($"{user}-{n}-b.ics", IcsSamples.Simple($"{user} {n} b")),
        ];

    private static async Task<List<string[]>> ConnectedSetsAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v2/calendars");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await Json.ReadAsync(response);
        return json.GetProperty("data")
            .GetProperty("connectedCalendars")
            .EnumerateArray()
            .Select(c => c.GetProperty("calendars").EnumerateArray().Select(x => x.GetProperty("externalId").GetString()!).ToArray())
            .ToList();
    }

    [Test]
    public async Task HundredConcurrentSaves_OneUser_EndWithOneCredential_HoldingOneWholeSubmittedSet()
    {
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var sets = Enumerable.Range(0, 100).Select(n => UrlSet("solo", n)).ToList();

        var responses = await Task.WhenAll(
            sets.Select(set => client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = set })))
        );

        Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.Created));
        var ids = await Task.WhenAll(
            responses.Select(async r => (await Json.ReadAsync(r)).GetProperty("data").GetProperty("id").GetInt32())
        );
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1), "every save answered with the one credential");
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(1));
        var connected = await ConnectedSetsAsync(client);
        Assert.That(connected, Has.Count.EqualTo(1));
        Assert.That(
            sets.Any(set => set.SequenceEqual(connected[0])),
            Is.True,
            $"stored set {JsonSerializer.Serialize(connected[0])} is one submitted whole"
        );
    }

    [Test]
    public async Task TwoUsersTimesFifty_EndWithTwoCredentials_EachTheirOwn()
    {
        var (_, keyA) = await api.CreateUserWithKeyAsync();
        var (_, keyB) = await api.CreateUserWithKeyAsync();
        using var a = api.CreateAuthorizedClient(keyA);
        using var b = api.CreateAuthorizedClient(keyB);
        var setsA = Enumerable.Range(0, 50).Select(n => UrlSet("a", n)).ToList();
        var setsB = Enumerable.Range(0, 50).Select(n => UrlSet("b", n)).ToList();

        var responses = await Task.WhenAll(
            setsA
                .Select(s => a.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = s })))
                .Concat(setsB.Select(s => b.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = s }))))
        );

        Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.Created));
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(2));
        var storedA = (await ConnectedSetsAsync(a)).Single();
        var storedB = (await ConnectedSetsAsync(b)).Single();
        Assert.That(setsA.Any(s => s.SequenceEqual(storedA)), Is.True);
        Assert.That(setsB.Any(s => s.SequenceEqual(storedB)), Is.True);
    }

    [Test]
    public async Task ConcurrentSavesAndDisconnects_LeaveAConsistentState()
    {
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var first = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = UrlSet("mix", 999) }));
        var id = (await Json.ReadAsync(first)).GetProperty("data").GetProperty("id").GetInt32();
        var sets = Enumerable.Range(0, 30).Select(n => UrlSet("mix", n)).ToList();

        var saves = sets.Select(s => client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = s })));
        var disconnects = Enumerable.Range(0, 30).Select(_ => client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id })));
        var responses = await Task.WhenAll(saves.Zip(disconnects, (s, d) => new[] { s, d }).SelectMany(x => x));

        Assert.That(responses.Select(r => (int)r.StatusCode), Has.All.AnyOf(200, 201, 404), "no 5xx, no partial state");
        var connected = await ConnectedSetsAsync(client);
        Assert.That(connected, Has.Count.LessThanOrEqualTo(1));
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(connected.Count), "what the API lists is what the database holds");
        if (connected.Count == 1)
        {
            var whole =
                sets.Any(s => s.SequenceEqual(connected[0])) || connected[0].All(u => u.Contains("mix-999", StringComparison.Ordinal));
            Assert.That(whole, Is.True, "the stored set is one submitted whole");
        }

        var check = await client.GetAsync("/v2/calendars/ics-feed/check");
        Assert.That((int)check.StatusCode, Is.AnyOf(200, 400), "the check reads the same state");
    }
}
