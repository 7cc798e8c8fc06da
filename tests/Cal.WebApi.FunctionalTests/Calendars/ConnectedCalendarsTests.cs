using System.Net;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>Check, list, disconnect and busy times through the real host, database and a loopback feed server.</summary>
public sealed class ConnectedCalendarsTests
{
    private static readonly string Work = Ics.NamedCalendar(
        "Work",
        Ics.Event("single", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z"),
        Ics.Event("daily", "DTSTART:20260105T120000Z", "DURATION:PT30M", "RRULE:FREQ=DAILY;COUNT=3"),
        Ics.Event("cancelled", "DTSTART:20260105T140000Z", "DTEND:20260105T150000Z", "STATUS:CANCELLED"),
        Ics.Event("free", "DTSTART:20260105T150000Z", "DTEND:20260105T160000Z", "TRANSP:TRANSPARENT"),
        Ics.Event("allday", "DTSTART;VALUE=DATE:20260106", "DTEND;VALUE=DATE:20260107"),
        Ics.Event("outside", "DTSTART:20260301T090000Z", "DTEND:20260301T100000Z")
    );

    private static readonly string Home = Ics.Calendar(Ics.Event("home", "DTSTART:20260106T180000Z", "DTEND:20260106T190000Z"));

    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient client = null!;
    private string workUrl = null!;
    private string homeUrl = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        workUrl = feeds.AddFeed("work", Work);
        homeUrl = feeds.AddFeed("home", Home);
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["FeedCache:TimeToLive"] = "00:10:00",
            }
        );
        client = await NewUserClientAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task<HttpClient> NewUserClientAsync()
    {
        var (_, key) = await api.CreateUserWithKeyAsync();
        return api.CreateAuthorizedClient(key);
    }

    private async Task<int> SaveAsync(HttpClient as_, params string[] urls)
    {
        var response = await as_.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls, readOnly = false }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await Json.ReadAsync(response)).GetProperty("data").GetProperty("id").GetInt32();
    }

    // ---- check ----

    [Test]
    public async Task Check_WithoutCredential_Returns400WithCalComMessage()
    {
        var error = await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars/ics-feed/check"), 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("Credentials for Ics Feed calendar not found."));
    }

    [Test]
    public async Task Check_WithWorkingFeeds_Returns200Success()
    {
        await SaveAsync(client, workUrl, homeUrl);
        var response = await client.GetAsync("/v2/calendars/ics-feed/check");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Json.ReadAsync(response)).ToString(), Is.EqualTo("""{"status":"success"}"""));
    }

    [Test]
    public async Task Check_WhenAFeedNoLongerWorks_Returns401NamingItsIndexAndReason()
    {
        await SaveAsync(client, workUrl, homeUrl);
        feeds.RemoveFeed("home");
        await using var uncached = new CalApiFactory(
            api.DataDirectory,
            new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["FeedCache:TimeToLive"] = "00:00:00",
            }
        );
        using var sameUser = uncached.CreateAuthorizedClient(client.DefaultRequestHeaders.Authorization!.Parameter!);

        var error = await Json.AssertErrorEnvelopeAsync(
            await sameUser.GetAsync("/v2/calendars/ics-feed/check"),
            401,
            "UnauthorizedException"
        );
        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("details").GetProperty("calendarIndex").GetInt32(), Is.EqualTo(1));
            Assert.That(error.GetProperty("details").GetProperty("reason").GetString(), Is.EqualTo("http_status"));
            Assert.That(error.ToString(), Does.Not.Contain(homeUrl));
        });
    }

    [Test]
    public async Task Check_WhenCredentialMarkedInvalid_Returns400InvalidCredentials()
    {
        var id = await SaveAsync(client, workUrl);
        await api.WithDbAsync(async db =>
        {
            (await db.Credentials.SingleAsync(c => c.Id == id)).MarkInvalid();
            return await db.SaveChangesAsync();
        });

        var error = await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars/ics-feed/check"), 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("Invalid Ics Feed credentials."));
    }

    // ---- list ----

    [Test]
    public async Task List_ShowsEachFeedAsACalendar_InCalComShape()
    {
        var id = await SaveAsync(client, workUrl, homeUrl);

        var json = await Json.ReadAsync(await client.GetAsync("/v2/calendars"));

        var connected = json.GetProperty("data").GetProperty("connectedCalendars");
        Assert.That(connected.GetArrayLength(), Is.EqualTo(1));
        var entry = connected[0];
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(entry.GetProperty("integration").GetProperty("type").GetString(), Is.EqualTo("ics-feed_calendar"));
            Assert.That(entry.GetProperty("integration").GetProperty("slug").GetString(), Is.EqualTo("ics-feed"));
            Assert.That(entry.GetProperty("integration").GetProperty("appId").GetString(), Is.EqualTo("ics-feed"));
            Assert.That(entry.GetProperty("credentialId").GetInt32(), Is.EqualTo(id));
            var calendars = entry.GetProperty("calendars").EnumerateArray().ToList();
            Assert.That(calendars.Select(c => c.GetProperty("externalId").GetString()), Is.EqualTo(new[] { workUrl, homeUrl }));
            Assert.That(
                calendars.Select(c => c.GetProperty("name").GetString()),
                Is.EqualTo(new[] { "Work", "127.0.0.1" }),
                "X-WR-CALNAME, else the host"
            );
            Assert.That(
                calendars.Select(c => c.GetProperty("readOnly").GetBoolean()),
                Is.All.True,
                "a feed cannot be written, whatever was saved (as cal.com reports it)"
            );
            Assert.That(calendars.Select(c => c.GetProperty("credentialId").GetInt32()), Is.All.EqualTo(id));
            Assert.That(calendars.Select(c => c.GetProperty("primary").GetBoolean()), Is.EqualTo(new[] { true, false }));
            Assert.That(calendars.Select(c => c.GetProperty("delegationCredentialId").ValueKind), Is.All.EqualTo(JsonValueKind.Null));
            Assert.That(calendars.Select(c => c.GetProperty("integrationName").GetString()), Is.All.EqualTo("ICS Feed"));
            Assert.That(entry.GetProperty("primary").GetProperty("externalId").GetString(), Is.EqualTo(workUrl));
            Assert.That(entry.GetProperty("delegationCredentialId").ValueKind, Is.EqualTo(JsonValueKind.Null));
            var integration = entry.GetProperty("integration");
            foreach (
                var field in new[]
                {
                    "name",
                    "description",
                    "type",
                    "title",
                    "variant",
                    "category",
                    "categories",
                    "logo",
                    "publisher",
                    "slug",
                    "url",
                    "email",
                    "locationOption",
                    "dirName",
                }
            )
            {
                Assert.That(integration.TryGetProperty(field, out _), Is.True, $"integration.{field}, as cal.com sends it");
            }

            Assert.That(
                (
                    integration.GetProperty("name").GetString(),
                    integration.GetProperty("dirName").GetString(),
                    integration.GetProperty("variant").GetString()
                ),
                Is.EqualTo(("ICS Feed", "ics-feedcalendar", "calendar"))
            );
        });
    }

    [Test]
    public async Task List_NeverShowsAnotherUsersFeeds()
    {
        await SaveAsync(client, workUrl);
        using var other = await NewUserClientAsync();

        var json = await Json.ReadAsync(await other.GetAsync("/v2/calendars"));

        Assert.That(json.GetProperty("data").GetProperty("connectedCalendars").GetArrayLength(), Is.Zero);
        Assert.That(json.ToString(), Does.Not.Contain(workUrl));
    }

    // ---- disconnect ----

    [Test]
    public async Task Disconnect_OwnCredential_DeletesItAndReturnsItInSaveShape()
    {
        var id = await SaveAsync(client, workUrl);

        var response = await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var data = (await Json.ReadAsync(response)).GetProperty("data");
        Assert.That(data.GetProperty("id").GetInt32(), Is.EqualTo(id));
        Assert.That(data.GetProperty("type").GetString(), Is.EqualTo("ics-feed_calendar"));
        Assert.That(await api.CredentialCountAsync(), Is.Zero);
        Assert.That((await client.GetAsync("/v2/calendars/ics-feed/check")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Disconnect_AnotherUsersCredential_Returns404LikeAnUnknownId_AndDeletesNothing()
    {
        var id = await SaveAsync(client, workUrl);
        using var other = await NewUserClientAsync();

        var foreign = await Json.AssertErrorEnvelopeAsync(
            await other.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id })),
            404,
            "NotFoundException"
        );
        var unknown = await Json.AssertErrorEnvelopeAsync(
            await other.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id = id + 1000 })),
            404,
            "NotFoundException"
        );

        Assert.That(
            foreign
                .GetProperty("message")
                .GetString()!
                .Replace(id.ToString(System.Globalization.CultureInfo.InvariantCulture), "N", StringComparison.Ordinal),
            Is.EqualTo(
                unknown
                    .GetProperty("message")
                    .GetString()!
                    .Replace((id + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), "N", StringComparison.Ordinal)
            )
        );
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(1));
    }

    [TestCase("{}")]
    [TestCase("""{"id":"one"}""")]
    [TestCase("""{"id":0}""")]
    public async Task Disconnect_WithoutAValidId_Returns400(string body)
    {
        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(body)),
            400,
            "BadRequestException"
        );
    }

    // ---- busy times ----

    [Test]
    public async Task BusyTimes_ExpandsRecurrences_ExcludesCancelledAndFree_ReadsAllDayInTheUsersZone()
    {
        await SaveAsync(client, workUrl, homeUrl);

        var json = await Json.ReadAsync(
            await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08&loggedInUsersTz=Europe/Berlin")
        );

        Assert.That(
            Intervals(json),
            Is.EqualTo(
                new[]
                {
                    ("2026-01-05T09:00:00.000Z", "2026-01-05T10:00:00.000Z"),
                    ("2026-01-05T12:00:00.000Z", "2026-01-05T12:30:00.000Z"),
                    ("2026-01-05T23:00:00.000Z", "2026-01-06T23:00:00.000Z"), // all-day 6 January in Berlin
                    ("2026-01-06T12:00:00.000Z", "2026-01-06T12:30:00.000Z"),
                    ("2026-01-06T18:00:00.000Z", "2026-01-06T19:00:00.000Z"), // home
                    ("2026-01-07T12:00:00.000Z", "2026-01-07T12:30:00.000Z"),
                }
            )
        );
        Assert.That(
            json.GetProperty("data")[0].GetProperty("source").GetString(),
            Is.EqualTo("ics-feed"),
            "cal.com's source: the calendar's app id"
        );
        Assert.That(json.GetProperty("truncated").GetArrayLength(), Is.Zero, "nothing was cut short");
    }

    [Test]
    public async Task BusyTimes_CalendarsToLoad_SelectsOneFeed()
    {
        var id = await SaveAsync(client, workUrl, homeUrl);

        var url =
            $"/v2/calendars/busy-times?dateFrom=2026-01-05T00:00:00Z&dateTo=2026-01-08T00:00:00Z"
            + $"&calendarsToLoad[0][credentialId]={id}&calendarsToLoad[0][externalId]={Uri.EscapeDataString(homeUrl)}";
        var json = await Json.ReadAsync(await client.GetAsync(url));

        Assert.That(Intervals(json), Is.EqualTo(new[] { ("2026-01-06T18:00:00.000Z", "2026-01-06T19:00:00.000Z") }));
    }

    [Test]
    public async Task BusyTimes_BodyIsExactlyCalComsShape()
    {
        var id = await SaveAsync(client, homeUrl);

        var response = await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-06&dateTo=2026-01-06&timeZone=UTC");

        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
        Assert.That(
            await response.Content.ReadAsStringAsync(),
            Is.EqualTo(
                "{\"status\":\"success\",\"data\":[{\"start\":\"2026-01-06T18:00:00.000Z\",\"end\":\"2026-01-06T19:00:00.000Z\",\"source\":\"ics-feed\"}],\"truncated\":[]}"
            )
        );
        Assert.That(id, Is.GreaterThan(0));
    }

    [Test]
    public async Task BusyTimes_AnotherUsersCredential_Returns404()
    {
        var id = await SaveAsync(client, workUrl);
        using var other = await NewUserClientAsync();

        await Json.AssertErrorEnvelopeAsync(
            await other.GetAsync($"/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08&calendarsToLoad[0][credentialId]={id}"),
            404,
            "NotFoundException"
        );
    }

    [TestCase("dateFrom=2026-01-05&dateTo=2027-01-06", "dateTo")]
    [TestCase("dateFrom=2026-01-08&dateTo=2026-01-05", "dateTo")]
    [TestCase("dateTo=2026-01-05", "dateFrom")]
    [TestCase("dateFrom=yesterday&dateTo=2026-01-05", "dateFrom")]
    [TestCase("dateFrom=2026-01-05&dateTo=2026-01-06&loggedInUsersTz=Mars/Base", "loggedInUsersTz")]
    [TestCase("dateFrom=2026-01-05&dateTo=2026-01-06&calendarsToLoad[0][externalId]=x", "calendarsToLoad[0]")]
    public async Task BusyTimes_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var error = await Json.AssertErrorEnvelopeAsync(
            await client.GetAsync($"/v2/calendars/busy-times?{query}"),
            400,
            "BadRequestException"
        );
        Assert.That(Json.ErrorFields(error), Does.Contain(field));
    }

    [Test]
    public async Task BusyTimes_ExactlyOneYear_IsAllowed()
    {
        await SaveAsync(client, workUrl);
        var response = await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-01&dateTo=2026-12-31");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    // ---- cache ----

    [Test]
    public async Task BusyTimesAndCheck_WithinTheTimeToLive_DoNotDownloadTheFeedAgain()
    {
        await SaveAsync(client, workUrl);
        var afterSave = feeds.RequestCount("/feeds/work");

        for (var i = 0; i < 3; i++)
        {
            Assert.That(
                (await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08")).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
            Assert.That((await client.GetAsync("/v2/calendars/ics-feed/check")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(feeds.RequestCount("/feeds/work") - afterSave, Is.EqualTo(1), "one download fills the cache");
    }

    [Test]
    public async Task StaleCache_IsRevalidatedWithAConditionalRequest_AndAnUnchangedFeedCostsOne304()
    {
        await using var revalidating = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["FeedCache:TimeToLive"] = "00:00:00",
            }
        );
        var (_, key) = await revalidating.CreateUserWithKeyAsync();
        using var user = revalidating.CreateAuthorizedClient(key);
        await SaveAsync(user, workUrl);

        await user.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08");
        var notModifiedBefore = feeds.NotModifiedCount;
        var second = await Json.ReadAsync(await user.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08"));

        Assert.That(feeds.NotModifiedCount - notModifiedBefore, Is.EqualTo(1));
        Assert.That(Intervals(second), Has.Count.EqualTo(5), "served from the revalidated cache");
        revalidating.DeleteData();
    }

    [Test]
    public async Task BusyTimes_FeedOverTheBudget_IsCutShort_AndTheEnvelopeSaysWhich()
    {
        var flood = feeds.AddFeed("flood", Ics.Calendar(Ics.Event("flood", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY")));
        await using var budgeted = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["BusyTimes:MaxOccurrencesPerFeed"] = "1000",
            }
        );
        var (_, key) = await budgeted.CreateUserWithKeyAsync();
        using var user = budgeted.CreateAuthorizedClient(key);
        var id = await SaveAsync(user, flood, workUrl);

        var json = await Json.ReadAsync(await user.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-01&dateTo=2026-12-31"));

        var truncated = json.GetProperty("truncated").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(truncated, Has.Count.EqualTo(1));
            Assert.That(truncated[0].GetProperty("credentialId").GetInt32(), Is.EqualTo(id));
            Assert.That(truncated[0].GetProperty("externalId").GetString(), Is.EqualTo(flood));
            Assert.That(
                json.GetProperty("data").GetArrayLength(),
                Is.LessThanOrEqualTo(1000 + 6),
                "the flood stops at its budget; the other feed is whole"
            );
        });
        budgeted.DeleteData();
    }

    [Test]
    public async Task FeedCache_IsPerCredential_TwoUsersOfOneUrlDoNotShareAnEntry()
    {
        using var other = await NewUserClientAsync();
        await SaveAsync(client, workUrl);
        await SaveAsync(other, workUrl);
        var before = feeds.RequestCount("/feeds/work");

        await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08");
        await other.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08");
        await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-08");

        Assert.That(feeds.RequestCount("/feeds/work") - before, Is.EqualTo(2), "one entry per credential, each filled once");
    }

    private static List<(string, string)> Intervals(JsonElement json) =>
        json.GetProperty("data")
            .EnumerateArray()
            .Select(i => (i.GetProperty("start").GetString()!, i.GetProperty("end").GetString()!))
            .ToList();

    [Test]
    public async Task TheListServedFromMemory_FollowsEveryWrite_AtOnce()
    {
        async Task<string[]> ListedAsync() =>
            (await Json.ReadAsync(await client.GetAsync("/v2/calendars")))
                .GetProperty("data")
                .GetProperty("connectedCalendars")
                .EnumerateArray()
                .SelectMany(c =>
                    c.GetProperty("calendars")
                        .EnumerateArray()
                        .Select(k => $"{k.GetProperty("externalId").GetString()}={k.GetProperty("isSelected").GetBoolean()}")
                )
                .ToArray();

        Assert.That(await ListedAsync(), Is.Empty, "read (and cached) before any write");
        var saved = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { workUrl } }));
        var id = (await Json.ReadAsync(saved)).GetProperty("data").GetProperty("id").GetInt32();
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { $"{workUrl}=True" }), "after a save");
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { $"{workUrl}=True" }), "again, from memory");

        await client.DeleteAsync(
            $"/v2/selected-calendars?integration=ics-feed_calendar&externalId={Uri.EscapeDataString(workUrl)}&credentialId={id}"
        );
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { $"{workUrl}=False" }), "after a deselection");

        await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { workUrl, homeUrl } }));
        Assert.That(await ListedAsync(), Has.Length.EqualTo(2), "after a second save");

        await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id }));
        Assert.That(await ListedAsync(), Is.Empty, "after a disconnect");

        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feeds.Url("status/404") } })),
            400,
            "BadRequestException"
        );
        Assert.That(await ListedAsync(), Is.Empty, "a refused save changed nothing");
    }
}
