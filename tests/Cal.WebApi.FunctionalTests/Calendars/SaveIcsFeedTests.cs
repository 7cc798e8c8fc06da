using System.Diagnostics;
using System.Net;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.WebApi.FunctionalTests.Calendars;

public sealed class SaveIcsFeedTests
{
    private const string SavePath = "/v2/calendars/ics-feed/save";

    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient client = null!;
    private int userId;
    private int closedPort;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        closedPort = ClosedLoopbackPort();
        api = new CalApiFactory(overrides: AllowList());
        string key;
        (userId, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    [Test]
    public async Task Save_SeedRequest_TwoUrlsNotReadOnly_Returns201WithCalComShape()
    {
        var a = feeds.AddFeed("a.ics", IcsSamples.Simple("Work"));
        var b = feeds.AddFeed("b", IcsSamples.Simple("Home"));

        var response = await client.PostAsync(SavePath, Json.Body(new { urls = new[] { a, b }, readOnly = false }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await Json.ReadAsync(response);
        var data = json.GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(
                data.EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "id", "type", "userId", "teamId", "appId", "invalid" })
            );
            Assert.That(data.GetProperty("id").GetInt32(), Is.GreaterThan(0));
            Assert.That(data.GetProperty("type").GetString(), Is.EqualTo("ics-feed_calendar"));
            Assert.That(data.GetProperty("userId").GetInt32(), Is.EqualTo(userId));
            Assert.That(data.GetProperty("teamId").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(data.GetProperty("appId").GetString(), Is.EqualTo("ics-feed"));
            Assert.That(data.GetProperty("invalid").GetBoolean(), Is.False);
        });

        var stored = await StoredSettingsAsync();
        Assert.That(stored.Urls, Is.EqualTo(new[] { a, b }));
        Assert.That(stored.ReadOnly, Is.False);
    }

    [Test]
    public async Task Save_StoresOnlyEncryptedUrls_NeverPlaintext()
    {
        var secretUrl = feeds.AddFeed("private-token-7f3c9a2e41", IcsSamples.Simple());

        var response = await client.PostAsync(SavePath, Json.Body(new { urls = new[] { secretUrl } }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var protectedKey = await api.WithDbAsync(db => db.Credentials.Select(c => c.ProtectedKey).SingleAsync());
        Assert.That(protectedKey, Does.Not.Contain("private-token-7f3c9a2e41"));
        Assert.That(protectedKey, Does.Not.Contain("127.0.0.1"));
        Assert.That(await StoredSettingsAsync(), Has.Property(nameof(IcsFeedCredentialSecret.ReadOnly)).True, "readOnly defaults to true");
    }

    [Test]
    public async Task Save_Again_ReplacesUrlsAndKeepsId()
    {
        var first = await Json.ReadAsync(
            await client.PostAsync(SavePath, Json.Body(new { urls = new[] { feeds.AddFeed("one", IcsSamples.Simple()) } }))
        );
        var secondUrl = feeds.AddFeed("two", IcsSamples.Simple());

        var second = await Json.ReadAsync(
            await client.PostAsync(SavePath, Json.Body(new { urls = new[] { secondUrl }, readOnly = false }))
        );

        Assert.That(
            second.GetProperty("data").GetProperty("id").GetInt32(),
            Is.EqualTo(first.GetProperty("data").GetProperty("id").GetInt32())
        );
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(1));
        var stored = await StoredSettingsAsync();
        Assert.That(stored.Urls, Is.EqualTo(new[] { secondUrl }));
        Assert.That(stored.ReadOnly, Is.False);
    }

    [Test]
    public async Task Save_ConcurrentlyForOneUser_MakesOneCredential()
    {
        var url = feeds.AddFeed("shared", IcsSamples.Simple());

        var responses = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(_ => client.PostAsync(SavePath, Json.Body(new { urls = new[] { url } })))
        );

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        var ids = await Task.WhenAll(
            responses.Select(async r => (await Json.ReadAsync(r)).GetProperty("data").GetProperty("id").GetInt32())
        );
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Save_UnknownFields_AreIgnored()
    {
        var url = feeds.AddFeed("x", IcsSamples.Simple());
        var response = await client.PostAsync(
            SavePath,
            Json.Body($$$"""{"urls":["{{{url}}}"],"readOnly":true,"integration":"ics","extra":{"a":[1,2]}}""")
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Save_FeedPathWithoutIcsSuffix_IsJudgedByContent()
    {
        var response = await client.PostAsync(
            SavePath,
            Json.Body(
                new
                {
                    urls = new[]
                    {
                        feeds.Url("delay/0"),
                        feeds.AddFeed("calendar-export", IcsSamples.Simple(), contentType: "application/octet-stream"),
                    },
                }
            )
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [TestCase("Serialization/Google1.ics")]
    [TestCase("Serialization/USHolidays.ics")]
    [TestCase("Serialization/Outlook2007LineFolds.ics")]
    [TestCase("Serialization/TimeZone3.ics")]
    [TestCase("Recurrence/MonthlyBySetPos1.ics")]
    public async Task Save_RealWorldSample_Returns201(string sample)
    {
        var response = await client.PostAsync(SavePath, Json.Body(new { urls = new[] { feeds.Url($"samples/{sample}") } }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Save_WithUnusableFeeds_Returns400NamingEachIndex_AndStoresNothing()
    {
        var urls = new[]
        {
            feeds.AddFeed("good", IcsSamples.Simple()),
            feeds.Url("status/404"),
            feeds.Url("html"),
            $"http://127.0.0.1:{closedPort}/calendar.ics",
            feeds.Url("json"),
            feeds.Url("status/500"),
            feeds.AddFeed(
                "broken",
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nthis line has no colon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            ),
        };

        var response = await client.PostAsync(SavePath, Json.Body(new { urls }));

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(
            Json.FeedFailures(error),
            Is.EqualTo(
                new[]
                {
                    (1, "http_status"),
                    (2, "not_icalendar"),
                    (3, "unreachable"),
                    (4, "not_icalendar"),
                    (5, "http_status"),
                    (6, "parse_error"),
                }
            )
        );
        var details = error.GetProperty("details").GetProperty("feeds").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(details[0].GetProperty("status").GetInt32(), Is.EqualTo(404));
            Assert.That(details[4].GetProperty("status").GetInt32(), Is.EqualTo(500));
            Assert.That(details[5].GetProperty("line").GetInt32(), Is.EqualTo(5));
            Assert.That(error.ToString(), Does.Not.Contain("127.0.0.1"), "error envelopes never echo feed URLs");
        });
        Assert.That(await api.CredentialCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Save_FailingAfterAnEarlierSave_LeavesTheEarlierCredentialUntouched()
    {
        var good = feeds.AddFeed("good", IcsSamples.Simple());
        Assert.That(
            (await client.PostAsync(SavePath, Json.Body(new { urls = new[] { good } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        var before = await api.WithDbAsync(db => db.Credentials.Select(c => c.ProtectedKey).SingleAsync());

        var response = await client.PostAsync(SavePath, Json.Body(new { urls = new[] { good, feeds.Url("status/404") } }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await api.WithDbAsync(db => db.Credentials.Select(c => c.ProtectedKey).SingleAsync()), Is.EqualTo(before));
    }

    [Test]
    public async Task Save_TenFeedsEachDelayed500ms_TakesAboutAsLongAsOne()
    {
        // Fetched one after another, ten feeds would take at least 5 s; concurrently, about 0.5 s.
        var one = feeds.AddFeed("slow-0", IcsSamples.Simple(), delayMs: 500);
        var ten = Enumerable
            .Range(0, 10)
            .Select(i =>
                feeds.AddFeed(
                    $"slow-{i}",
                    IcsSamples.Simple(uid: i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    delayMs: 500
                )
            )
            .ToArray();
        await client.PostAsync(SavePath, Json.Body(new { urls = new[] { one } })); // warm-up

        var single = Stopwatch.StartNew();
        Assert.That(
            (await client.PostAsync(SavePath, Json.Body(new { urls = new[] { one } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        single.Stop();
        var all = Stopwatch.StartNew();
        Assert.That((await client.PostAsync(SavePath, Json.Body(new { urls = ten }))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        all.Stop();

        TestContext.Out.WriteLine($"one feed: {single.ElapsedMilliseconds} ms, ten feeds: {all.ElapsedMilliseconds} ms");
        Assert.That(all.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(2500)), "ten 500 ms feeds must be fetched concurrently");
        Assert.That(all.Elapsed, Is.LessThan(single.Elapsed * 4));
    }

    [Test]
    public async Task Save_FeedUrlWithSecretToken_NeverReachesTheLogs()
    {
        const string token = "sekret-4b1d2c9e8f";
        var good = feeds.AddFeed($"{token}.ics", IcsSamples.Simple());

        await client.PostAsync(SavePath, Json.Body(new { urls = new[] { good } }));
        await client.PostAsync(
            SavePath,
            Json.Body(new { urls = new[] { good, feeds.Url($"status/404?token={token}"), $"http://127.0.0.1:{closedPort}/{token}" } })
        );

        Assert.That(api.Logs, Is.Not.Empty, "logs are captured");
        Assert.That(api.Logs.Where(l => l.Contains(token, StringComparison.Ordinal)), Is.Empty);
        Assert.That(api.Logs.Any(l => l.Contains("127.0.0.1", StringComparison.Ordinal)), Is.True, "the host is logged");
    }

    [Test]
    public async Task Restart_WithSameDatabaseAndKeys_CanStillDecryptTheCredential()
    {
        var url = feeds.AddFeed("persisted", IcsSamples.Simple());
        Assert.That(
            (await client.PostAsync(SavePath, Json.Body(new { urls = new[] { url }, readOnly = false }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        client.Dispose();
        await api.DisposeAsync();

        api = new CalApiFactory(api.DataDirectory, AllowList());
        client = api.CreateAuthorizedClient("unused");

        var stored = await StoredSettingsAsync();
        Assert.That(stored.Urls, Is.EqualTo(new[] { url }));
        Assert.That(stored.ReadOnly, Is.False);
    }

    private async Task<IcsFeedCredentialSecret> StoredSettingsAsync()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<ICredentialRepository>();
        var credential = await repository.FindByUserAndTypeAsync(userId, CalendarApps.IcsFeed.Type, CancellationToken.None);
        Assert.That(credential, Is.Not.Null, "a credential is stored");
        var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
        return IcsFeedSecretSerializer.Deserialize(protector.Unprotect(credential!.ProtectedKey));
    }

    /// <summary>Loopback is refused unless allow-listed: the feed server's port and the closed port are.</summary>
    private Dictionary<string, string?> AllowList() =>
        new()
        {
            ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
            ["Outbound:AllowedHosts:1"] = $"127.0.0.1:{closedPort}",
        };

    /// <summary>A loopback port with nothing listening on it.</summary>
    private static int ClosedLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
