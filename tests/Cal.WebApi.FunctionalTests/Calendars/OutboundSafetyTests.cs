using System.Diagnostics;
using System.Net;
using System.Text;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// A feed URL is attacker-controlled. Two loopback servers: <c>allowed</c> is on Outbound:AllowedHosts,
/// <c>internalService</c> stands for everything else on the server's network and is not. Every refusal
/// here happens before a connection to it is made; no traffic leaves loopback.
/// </summary>
public sealed class OutboundSafetyTests
{
    private const string SavePath = "/v2/calendars/ics-feed/save";
    private static readonly TimeSpan FeedTimeout = TimeSpan.FromSeconds(1);

    private IcsFeedServer allowed = null!;
    private IcsFeedServer internalService = null!;
    private CalApiFactory api = null!;
    private HttpClient client = null!;
    private int userId;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        allowed = await IcsFeedServer.StartAsync();
        internalService = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{allowed.BaseAddress.Port}",
                ["Outbound:FeedTimeout"] = FeedTimeout.ToString(),
                ["Outbound:SaveTimeout"] = "00:00:30", // so a feed that escaped its own limit would show as ~30 s
                ["Outbound:MaxFeedBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }
        );
        api.StartServer();
    }

    /// <summary>A user of its own per test, so "nothing stored" is about this test's save only.</summary>
    [SetUp]
    public async Task NewUser()
    {
        string key;
        (userId, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
    }

    [TearDown]
    public void DisposeClient() => client.Dispose();

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
        await allowed.DisposeAsync();
        await internalService.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return Case(
            "internal service by IP",
            s => $"http://127.0.0.1:{s.Internal}/samples/Serialization/Google1.ics",
            "blocked_address"
        );
        yield return Case("internal service by name", s => $"http://localhost:{s.Internal}/delay/0", "blocked_address");
        yield return Case("internal service as a decimal IP", s => $"http://2130706433:{s.Internal}/delay/0", "blocked_address");
        yield return Case(
            "internal service as IPv4-mapped IPv6",
            s => $"http://[::ffff:127.0.0.1]:{s.Internal}/delay/0",
            "blocked_address"
        );
        yield return Case("internal service over IPv6 loopback", s => $"http://[::1]:{s.Internal}/delay/0", "blocked_address");
        yield return Case(
            "redirect from the allowed server to the internal one",
            s => $"http://127.0.0.1:{s.Allowed}/redirect-to?url={Uri.EscapeDataString($"http://127.0.0.1:{s.Internal}/delay/0")}",
            "blocked_address"
        );
        yield return Case("redirect loop", s => $"http://127.0.0.1:{s.Allowed}/redirect-loop", "too_many_redirects");
        yield return Case("six redirects", s => $"http://127.0.0.1:{s.Allowed}/redirect/6", "too_many_redirects");
        yield return Case(
            "redirect to a non-http scheme",
            s => $"http://127.0.0.1:{s.Allowed}/redirect-to?url={Uri.EscapeDataString("file:///etc/passwd")}",
            "unreachable"
        );
        yield return Case("slow drip", s => $"http://127.0.0.1:{s.Allowed}/drip", "timeout");
        yield return Case("endless body", s => $"http://127.0.0.1:{s.Allowed}/endless", "too_large");
        yield return Case("gzip bomb", s => $"http://127.0.0.1:{s.Allowed}/gzip-bomb/64", "too_large");
        yield return Case("HTML sign-in page", s => $"http://127.0.0.1:{s.Allowed}/html", "not_icalendar");
        yield return Case("404", s => $"http://127.0.0.1:{s.Allowed}/status/404", "http_status");
        yield return Case("500", s => $"http://127.0.0.1:{s.Allowed}/status/500", "http_status");

        static TestCaseData Case(string name, Func<(int Allowed, int Internal), string> url, string reason) =>
            new TestCaseData(url, reason).SetName($"Save_{name.Replace(' ', '_')}_Is_{reason}");
    }

    [TestCaseSource(nameof(Refusals))]
    public async Task Save_HostileFeed_IsRefusedWithItsReason_WithinTheLimit_AndStoresNothing(
        Func<(int Allowed, int Internal), string> url,
        string reason
    )
    {
        var internalRequestsBefore = internalService.RequestCount("/");
        var good = allowed.AddFeed("good", IcsSamples.Simple());
        var started = Stopwatch.StartNew();

        var response = await client.PostAsync(
            SavePath,
            Json.Body(new { urls = new[] { good, url((allowed.BaseAddress.Port, internalService.BaseAddress.Port)) } })
        );

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(Json.FeedFailures(error), Is.EqualTo(new[] { (1, reason) }));
        Assert.That(
            started.Elapsed,
            Is.LessThan(FeedTimeout + TimeSpan.FromSeconds(5)),
            "refused within the feed's own limit, not the save's"
        );
        Assert.That(
            await api.WithDbAsync(db =>
                Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Credentials, c => c.UserId == userId)
            ),
            Is.Zero
        );
        Assert.That(internalService.RequestCount("/"), Is.EqualTo(internalRequestsBefore), "the internal service was never reached");
    }

    [Test]
    public async Task Save_AllowedServer_StillWorks()
    {
        var response = await client.PostAsync(
            SavePath,
            Json.Body(new { urls = new[] { allowed.Url("redirect/5"), allowed.Url("samples/Serialization/Google1.ics") } })
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task FeedSecret_AppearsNeitherInLogsNorInTheDatabaseFile()
    {
        const string token = "calsecret-9d8e7f6a5b4c";
        var secretUrl = allowed.AddFeed(token, IcsSamples.Simple());

        Assert.That(
            (await client.PostAsync(SavePath, Json.Body(new { urls = new[] { secretUrl } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        await client.PostAsync(
            SavePath,
            Json.Body(
                new
                {
                    urls = new[]
                    {
                        secretUrl,
                        $"http://127.0.0.1:{internalService.BaseAddress.Port}/{token}",
                        allowed.Url($"status/500?{token}"),
                    },
                }
            )
        );
        await client.PostAsync(
            SavePath,
            Json.Body(
                new
                {
                    urls = new[]
                    {
                        allowed.Url(
                            $"redirect-to?url={Uri.EscapeDataString($"http://127.0.0.1:{internalService.BaseAddress.Port}/{token}")}"
                        ),
                    },
                }
            )
        );

        Assert.That(api.Logs.Where(l => l.Contains(token, StringComparison.Ordinal)), Is.Empty, "logs");
        var database = api.DatabaseFilesText();
        Assert.That(database, Does.Not.Contain(token), "database file");
        Assert.That(database, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes(token))), "database file, base64");
    }
}
