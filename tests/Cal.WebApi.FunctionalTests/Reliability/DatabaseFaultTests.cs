using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// The database gone or locked under a running server: 503 ServiceUnavailableException in the envelope (no
/// internals), /health/ready unhealthy, nothing half-written, and service back by itself when the database is.
/// </summary>
[NonParallelizable]
public sealed class DatabaseFaultTests
{
    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;

    [SetUp]
    public async Task SetUp() => feeds = await IcsFeedServer.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() =>
        new()
        {
            ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
            ["Auth:CacheDuration"] = "00:00:00", // every request asks the database, so every request meets the fault
        };

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var error = await Json.AssertErrorEnvelopeAsync(response, 503, "ServiceUnavailableException");
        Assert.That(error.GetProperty("message").GetString(), Does.Not.Contain("Sqlite").And.Not.Contain("SQLite").And.Not.Contain(" at "));
    }

    [Test]
    public async Task DatabaseGone_503_Unready_NoPartialWrite_ThenResumesByItself()
    {
        api = new CalApiFactory(overrides: Settings());
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var first = feeds.AddFeed("first.ics", IcsSamples.Simple("First"));
        var second = feeds.AddFeed("second.ics", IcsSamples.Simple("Second"));
        Assert.That(
            (await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { first } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );

        // The file goes away and a directory stands in its place: every new connection fails to open it.
        using var probe = api.CreateClient(); // as a load balancer probes: no token
        using (api.TakeDatabaseAway())
        {
            await AssertUnavailableAsync(await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { second } })));
            await AssertUnavailableAsync(await client.GetAsync("/v2/calendars"));
            Assert.That((await probe.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((await probe.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var ready = await probe.GetAsync("/health/ready");
        Assert.That(
            ready.StatusCode,
            Is.EqualTo(HttpStatusCode.OK),
            "ready again without a restart: " + await ready.Content.ReadAsStringAsync() + string.Join("\n", api.Logs.TakeLast(5))
        );
        var list = await Json.ReadAsync(await client.GetAsync("/v2/calendars"));
        var urls = list.GetProperty("data")
            .GetProperty("connectedCalendars")[0]
            .GetProperty("calendars")
            .EnumerateArray()
            .Select(c => c.GetProperty("externalId").GetString());
        Assert.That(urls, Is.EqualTo(new[] { first }), "the refused save left nothing behind");
        Assert.That(
            (await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { second } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        Assert.That(api.Logs, Has.None.Contains("Unhandled exception"));
    }

    [Test]
    public async Task DatabaseLockedByAnotherWriter_SavesAre503_ReadsContinue_ThenResumes()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cal-tests", Guid.NewGuid().ToString("N"));
        var settings = Settings();
        // busy wait 2 s, not 30
        settings["ConnectionStrings:Default"] = $"Data Source={Path.Combine(directory, "cal.db")};Default Timeout=2";
        api = new CalApiFactory(directory, settings);
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var feed = feeds.AddFeed("locked.ics", IcsSamples.Simple("Locked"));

        // Another process holds the write lock; Cal's writes wait out their busy timeout, then give up.
        await using (var holder = new SqliteConnection($"Data Source={api.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            using var shortWait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await AssertUnavailableAsync(
                await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feed } }), shortWait.Token)
            );
            Assert.That(
                (await client.GetAsync("/v2/calendars")).StatusCode,
                Is.EqualTo(HttpStatusCode.OK),
                "readers are not blocked (WAL)"
            );
            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.That(
            (await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feed } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(1));
    }
}
