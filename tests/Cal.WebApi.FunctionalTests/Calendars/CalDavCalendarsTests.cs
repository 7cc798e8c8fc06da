using System.Net;
using System.Text;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// Issue #16 against a real CalDAV server (Debian's Radicale on loopback, seeded through CalDAV itself): an account is
/// added by discovery, its calendars listed, one deselected, and busy times are exactly the selected calendars' events
/// (a weekly series with an EXDATE and a moved instance across Europe's DST change, an all-day event, another zone,
/// cancelled and transparent events left out) merged with an ICS feed's. A refused account is a 400 on save and a 503
/// naming it on busy times, never "free"; the password is in no log, answer or database file.
/// </summary>
public sealed class CalDavCalendarsTests
{
    private const string AlicePassword = "alice-Pa55-4f9c1e";
    private const string CarolPassword = "carol-Pa55-8b7d2a";
    private const string Window = "dateFrom=2026-03-01&dateTo=2026-04-10&timeZone=Europe/Berlin";

    private RadicaleServer radicale = null!;
    private Uri workCalendar = null!;
    private Uri personalCalendar = null!;
    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private bool started;
    private HttpClient client = null!;

    [OneTimeSetUp]
    public async Task StartServers()
    {
        radicale =
            RadicaleServer.TryStart(("alice", AlicePassword), ("bob", "bob-pw"), ("carol", CarolPassword), ("dave", "dave-pw"))
            ?? throw new InconclusiveException("radicale is not installed (apt-get install radicale); .ci/run installs it.");
        workCalendar = await radicale.CreateCalendarAsync("alice", "work", "Work");
        personalCalendar = await radicale.CreateCalendarAsync("alice", "personal", "Personal");
        await radicale.CreateCalendarAsync("alice", "tasks", "Tasks", components: "VTODO");
        await radicale.PutAsync(
            "alice",
            workCalendar,
            "standup",
            Event(
                "standup",
                "DTSTART;TZID=Europe/Berlin:20260302T090000\r\nDTEND;TZID=Europe/Berlin:20260302T100000\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\n"
                    + "EXDATE;TZID=Europe/Berlin:20260316T090000\r\n",
                "BEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260323T090000\r\n"
                    + "DTSTART;TZID=Europe/Berlin:20260323T140000\r\nDTEND;TZID=Europe/Berlin:20260323T150000\r\nSUMMARY:Standup (moved)\r\nEND:VEVENT\r\n"
            )
        );
        await radicale.PutAsync(
            "alice",
            workCalendar,
            "offsite",
            Event("offsite", "DTSTART;VALUE=DATE:20260310\r\nDTEND;VALUE=DATE:20260311\r\n")
        );
        await radicale.PutAsync(
            "alice",
            workCalendar,
            "new-york",
            Event("new-york", "DTSTART;TZID=America/New_York:20260312T100000\r\nDTEND;TZID=America/New_York:20260312T110000\r\n")
        );
        await radicale.PutAsync("alice", workCalendar, "utc", Event("utc", "DTSTART:20260304T120000Z\r\nDTEND:20260304T123000Z\r\n"));
        await radicale.PutAsync(
            "alice",
            workCalendar,
            "cancelled",
            Event("cancelled", "DTSTART:20260311T120000Z\r\nDTEND:20260311T130000Z\r\nSTATUS:CANCELLED\r\n")
        );
        await radicale.PutAsync(
            "alice",
            workCalendar,
            "transparent",
            Event("transparent", "DTSTART:20260311T150000Z\r\nDTEND:20260311T160000Z\r\nTRANSP:TRANSPARENT\r\n")
        );
        await radicale.PutAsync(
            "alice",
            personalCalendar,
            "dentist",
            Event("dentist", "DTSTART:20260305T180000Z\r\nDTEND:20260305T190000Z\r\n")
        );
        var carols = await radicale.CreateCalendarAsync("carol", "main", "Main");
        await radicale.PutAsync("carol", carols, "c1", Event("c1", "DTSTART:20260303T100000Z\r\nDTEND:20260303T110000Z\r\n"));
        await radicale.CreateCalendarAsync("bob", "bobs", "Bob's");
    }

    [OneTimeTearDown]
    public void StopServers() => radicale?.Dispose();

    [SetUp]
    public async Task SetUp()
    {
        radicale.SetPassword("carol", CarolPassword);
        feeds = await IcsFeedServer.StartAsync();
        await StartApiAsync();
    }

    /// <summary>The host for this test (replacing the one SetUp started), with extra settings.</summary>
    private async Task StartApiAsync(params (string Key, string Value)[] extra)
    {
        if (started)
        {
            client.Dispose();
            await api.DisposeAsync();
            api.DeleteData();
        }

        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowedHosts:0"] = radicale.AllowedHost,
            ["Outbound:AllowedHosts:1"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
            // These tests count the requests each read sends; the background load after a save has its own test.
            ["CalDav:WarmUpOnSave"] = "false",
            ["Providers:Apple:ServerUrl"] = radicale.BaseAddress.ToString(),
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        api = new CalApiFactory(overrides: settings);
        started = true;
        var (_, apiKey) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(apiKey);
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        started = false;
        await feeds.DisposeAsync();
    }

    /// <summary>A calendar of one event named after its UID (and <paramref name="extra"/> components after it).</summary>
    private static string Event(string uid, string times, string extra = "") =>
        Ics.Calendar(Ics.Event(uid, times, $"SUMMARY:{uid}"), extra);

    private Task<HttpResponseMessage> AddAccountAsync(string calendar, string username, string password, string? url = null) =>
        client.PostAsync(
            $"/v2/calendars/{calendar}/credentials",
            Json.Body(
                new
                {
                    username,
                    password,
                    url = url ?? radicale.BaseAddress.ToString(),
                }
            )
        );

    private async Task<List<(string Start, string End, string Source)>> BusyAsync(string window = Window)
    {
        var response = await client.GetAsync("/v2/calendars/busy-times?" + window);
        var json = await Json.ReadAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToString());
        return json.GetProperty("data")
            .EnumerateArray()
            .Select(i => (i.GetProperty("start").GetString()!, i.GetProperty("end").GetString()!, i.GetProperty("source").GetString()!))
            .ToList();
    }

    [Test]
    public async Task AnAccountJustAdded_IsLoadedInTheBackground_SoItsFirstReadSendsNoReport()
    {
        await StartApiAsync(("CalDav:WarmUpOnSave", "true"));
        var reportsBefore = await radicale.CountRequestsSettledAsync("REPORT");
        var added = await AddAccountAsync("caldav", "alice", AlicePassword);
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created), await added.Content.ReadAsStringAsync());

        // Both event calendars loaded without any read being asked for: a listing and a multiget each.
        var loaded = -1;
        for (var i = 0; i < 100 && (loaded = await radicale.CountRequestsSettledAsync("REPORT") - reportsBefore) < 4; i++)
        {
            await Task.Delay(100);
        }

        Assert.That(loaded, Is.EqualTo(4), "two calendars, each one listing and one multiget, in the background");
        reportsBefore = await radicale.CountRequestsSettledAsync("REPORT");
        var propfindsBefore = await radicale.CountRequestsSettledAsync("PROPFIND");
        var busy = await BusyAsync();

        Assert.That(busy, Has.Count.EqualTo(9), "the work calendar's 8 and the personal calendar's 1 busy times in the window");
        Assert.That(
            busy,
            Does.Contain(("2026-03-05T18:00:00.000Z", "2026-03-05T19:00:00.000Z", "caldav-calendar")),
            "the personal calendar's dentist"
        );
        Assert.That(
            (
                await radicale.CountRequestsSettledAsync("REPORT") - reportsBefore,
                await radicale.CountRequestsSettledAsync("PROPFIND") - propfindsBefore
            ),
            Is.EqualTo((0, 0)),
            "the first read finds both calendars kept"
        );
    }

    [Test]
    public async Task AnAccountsSelectedCalendars_GiveExactlyTheirBusyTimes_MergedWithAFeed()
    {
        var added = await AddAccountAsync("caldav", "alice", AlicePassword);
        var addedJson = await Json.ReadAsync(added);
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created), addedJson.ToString());
        var data = addedJson.GetProperty("data");
        Assert.That(
            (data.GetProperty("type").GetString(), data.GetProperty("appId").GetString(), data.GetProperty("invalid").GetBoolean()),
            Is.EqualTo(("caldav_calendar", "caldav-calendar", false))
        );
        var credentialId = data.GetProperty("id").GetInt32();

        // Listed: the account with its two event calendars (the VTODO-only one skipped), all selected.
        var list = (await Json.ReadAsync(await client.GetAsync("/v2/calendars"))).GetProperty("data").GetProperty("connectedCalendars");
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        Assert.That(list[0].GetProperty("integration").GetProperty("type").GetString(), Is.EqualTo("caldav_calendar"));
        Assert.That(list[0].GetProperty("credentialId").GetInt32(), Is.EqualTo(credentialId));
        var calendars = list[0]
            .GetProperty("calendars")
            .EnumerateArray()
            .Select(c =>
                (
                    c.GetProperty("externalId").GetString(),
                    c.GetProperty("name").GetString(),
                    c.GetProperty("readOnly").GetBoolean(),
                    c.GetProperty("isSelected").GetBoolean(),
                    c.GetProperty("email").GetString()
                )
            )
            .OrderBy(c => c.Item2, StringComparer.Ordinal)
            .ToList();
        Assert.That(
            calendars,
            Is.EqualTo(
                new[]
                {
                    (personalCalendar.AbsoluteUri, "Personal", false, true, "alice"),
                    (workCalendar.AbsoluteUri, "Work", false, true, "alice"),
                }
            )
        );

        // One calendar deselected; an ICS feed saved beside the account.
        var deselected = await client.DeleteAsync(
            $"/v2/selected-calendars?integration=caldav_calendar&externalId={Uri.EscapeDataString(personalCalendar.AbsoluteUri)}&credentialId={credentialId}"
        );
        Assert.That(deselected.StatusCode, Is.EqualTo(HttpStatusCode.OK), await deselected.Content.ReadAsStringAsync());
        var feed = feeds.AddFeed("team", Ics.Calendar(Ics.Event("f", "DTSTART:20260306T080000Z", "DTEND:20260306T090000Z")));
        Assert.That(
            (await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feed } }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );

        var reportsBefore = await radicale.CountRequestsSettledAsync("REPORT");
        var propfindsBefore = await radicale.CountRequestsSettledAsync("PROPFIND");
        var busy = await BusyAsync();

        Assert.That(
            busy,
            Is.EqualTo(
                new[]
                {
                    ("2026-03-02T08:00:00.000Z", "2026-03-02T09:00:00.000Z", "caldav-calendar"), // 09:00 CET
                    ("2026-03-04T12:00:00.000Z", "2026-03-04T12:30:00.000Z", "caldav-calendar"),
                    ("2026-03-06T08:00:00.000Z", "2026-03-06T09:00:00.000Z", "ics-feed"),
                    ("2026-03-09T08:00:00.000Z", "2026-03-09T09:00:00.000Z", "caldav-calendar"),
                    ("2026-03-09T23:00:00.000Z", "2026-03-10T23:00:00.000Z", "caldav-calendar"), // all day, in the request's zone
                    ("2026-03-12T14:00:00.000Z", "2026-03-12T15:00:00.000Z", "caldav-calendar"), // 10:00 EDT (US DST began 8 March)
                    // 16 March: EXDATE
                    ("2026-03-23T13:00:00.000Z", "2026-03-23T14:00:00.000Z", "caldav-calendar"), // the override: moved to 14:00 CET
                    ("2026-03-30T07:00:00.000Z", "2026-03-30T08:00:00.000Z", "caldav-calendar"), // 09:00 CEST, after 29 March
                    ("2026-04-06T07:00:00.000Z", "2026-04-06T08:00:00.000Z", "caldav-calendar"),
                }
            ),
            "the dentist (deselected calendar), the cancelled and the transparent events give nothing"
        );
        Assert.That(
            await radicale.CountRequestsSettledAsync("REPORT") - reportsBefore,
            Is.EqualTo(2),
            "the selected calendar loaded once: one listing, one multiget; none for the deselected one"
        );
        Assert.That(await radicale.CountRequestsSettledAsync("PROPFIND") - propfindsBefore, Is.EqualTo(1), "its change markers");
        reportsBefore = await radicale.CountRequestsSettledAsync("REPORT");
        propfindsBefore = await radicale.CountRequestsSettledAsync("PROPFIND");
        Assert.That(await BusyAsync(), Is.EqualTo(busy), "again, from the kept index");
        Assert.That(
            (
                await radicale.CountRequestsSettledAsync("REPORT") - reportsBefore,
                await radicale.CountRequestsSettledAsync("PROPFIND") - propfindsBefore
            ),
            Is.EqualTo((0, 0)),
            "within CalDav:TimeToLive nothing goes to the server"
        );

        var selectedAgain = await client.PostAsync(
            "/v2/selected-calendars",
            Json.Body(
                new
                {
                    integration = "caldav_calendar",
                    externalId = personalCalendar.AbsoluteUri,
                    credentialId,
                }
            )
        );
        Assert.That(selectedAgain.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(
            await BusyAsync("dateFrom=2026-03-05&dateTo=2026-03-05&timeZone=UTC"),
            Is.EqualTo(new[] { ("2026-03-05T18:00:00.000Z", "2026-03-05T19:00:00.000Z", "caldav-calendar") })
        );
    }

    [Test]
    public async Task ACalendarMadeOnTheServerLater_IsListedAfterTheTtl_AndOneRemovedThere_IsGoneWithItsDeselection()
    {
        await StartApiAsync(("CalDav:TimeToLive", "00:00:01"));
        await radicale.CreateCalendarAsync("dave", "first", "First");
        var added = (await Json.ReadAsync(await AddAccountAsync("caldav", "dave", "dave-pw")))
            .GetProperty("data")
            .GetProperty("id")
            .GetInt32();
        async Task<List<string?>> ListedAsync() =>
            (await Json.ReadAsync(await client.GetAsync("/v2/calendars")))
                .GetProperty("data")
                .GetProperty("connectedCalendars")[0]
                .GetProperty("calendars")
                .EnumerateArray()
                .Select(c => c.GetProperty("name").GetString())
                .Order(StringComparer.Ordinal)
                .ToList();
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { "First" }));

        var later = await radicale.CreateCalendarAsync("dave", "later", "Later");
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { "First" }), "within CalDav:TimeToLive the list is what was found");
        await Task.Delay(1100);
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { "First", "Later" }), "after it, the calendar made on the server is listed");
        var selected = await client.DeleteAsync(
            $"/v2/selected-calendars?integration=caldav_calendar&externalId={Uri.EscapeDataString(later.AbsoluteUri)}&credentialId={added}"
        );
        Assert.That(
            selected.StatusCode,
            Is.EqualTo(HttpStatusCode.OK),
            "and selectable (deselected here), without adding the account again"
        );

        await radicale.DeleteCalendarAsync("dave", later);
        await Task.Delay(1100);
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { "First" }), "removed on the server: gone");
        var deselections = await api.WithDbAsync(db =>
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.CalendarDeselections)
        );
        Assert.That(deselections, Is.Zero, "its deselection went with it");
    }

    [Test]
    public async Task TheSameUsernameAgain_UpdatesTheAccount_AndAnotherUsernameIsASecondAccount()
    {
        var first = (await Json.ReadAsync(await AddAccountAsync("caldav", "alice", AlicePassword)))
            .GetProperty("data")
            .GetProperty("id")
            .GetInt32();
        var again = await AddAccountAsync("caldav", "alice", AlicePassword);
        var bob = await AddAccountAsync("caldav", "bob", "bob-pw");

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(
            (await Json.ReadAsync(again)).GetProperty("data").GetProperty("id").GetInt32(),
            Is.EqualTo(first),
            "same account, same id"
        );
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.Created), await bob.Content.ReadAsStringAsync());
        var list = (await Json.ReadAsync(await client.GetAsync("/v2/calendars"))).GetProperty("data").GetProperty("connectedCalendars");
        Assert.That(
            list.EnumerateArray().Select(c => c.GetProperty("calendars")[0].GetProperty("email").GetString()),
            Is.EqualTo(new[] { "alice", "bob" })
        );
        Assert.That(await api.CredentialCountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task AWrongPassword_Is400NamingTheReason_AndStoresNothing()
    {
        const string wrong = "not-alices-password-77";
        var response = await AddAccountAsync("caldav", "alice", wrong);
        var body = await response.Content.ReadAsStringAsync();

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Does.StartWith("Could not add this caldav calendar account: unauthorized"));
        Assert.That(error.GetProperty("details").GetProperty("reason").GetString(), Is.EqualTo("unauthorized"));
        Assert.That(body, Does.Not.Contain(wrong));
        Assert.That(api.Logs.Where(l => l.Contains(wrong, StringComparison.Ordinal)), Is.Empty);
        Assert.That(await api.CredentialCountAsync(), Is.Zero);
    }

    [Test]
    public async Task APasswordChangedOnTheServer_MakesBusyTimes503NamingTheAccount_AndTheCheck401()
    {
        await StartApiAsync(("CalDav:TimeToLive", "00:00:00")); // every read asks the server whether anything changed
        Assert.That((await AddAccountAsync("caldav", "carol", CarolPassword)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await BusyAsync(), Has.Count.EqualTo(1));
        var checkedFirst = await client.GetAsync("/v2/calendars/caldav/check");
        Assert.That(checkedFirst.StatusCode, Is.EqualTo(HttpStatusCode.OK), await checkedFirst.Content.ReadAsStringAsync());

        radicale.SetPassword("carol", "changed-on-the-server");

        var busy = await client.GetAsync("/v2/calendars/busy-times?" + Window);
        var error = await Json.AssertErrorEnvelopeAsync(busy, 503, "ServiceUnavailableException");
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("CalDav Server account carol"));
        Assert.That(error.GetProperty("details").GetProperty("reason").GetString(), Is.EqualTo("unauthorized"));
        var check = await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars/caldav/check"), 401, "UnauthorizedException");
        Assert.That(check.GetProperty("message").GetString(), Does.Contain("carol"));

        // The password: in no answer above, no log line, and not in the database file (clear or base64).
        Assert.That(api.Logs.Where(l => l.Contains(CarolPassword, StringComparison.Ordinal)), Is.Empty, "logs");
        var database = api.DatabaseFilesText();
        Assert.That(database, Does.Not.Contain(CarolPassword), "database file");
        Assert.That(
            database,
            Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("carol:" + CarolPassword))),
            "database file, base64"
        );
        Assert.That(database, Does.Not.Contain("carol"), "not even the username: the account is stored as a hash");
        Assert.That(radicale.Log(), Does.Not.Contain(CarolPassword), "Radicale's own log");
    }

    [Test]
    public async Task ACalDavUrlOnABlockedAddress_IsRefusedLikeAFeed()
    {
        using var notAllowed = RadicaleServer.TryStart(("alice", AlicePassword))!; // loopback, but not on the allow-list

        var direct = await Json.AssertErrorEnvelopeAsync(
            await AddAccountAsync("caldav", "alice", AlicePassword, notAllowed.BaseAddress.ToString()),
            400,
            "BadRequestException"
        );
        var redirected = await Json.AssertErrorEnvelopeAsync(
            await AddAccountAsync(
                "caldav",
                "alice",
                AlicePassword,
                feeds.Url($"redirect-to?url={Uri.EscapeDataString(notAllowed.BaseAddress.ToString())}")
            ),
            400,
            "BadRequestException"
        );

        Assert.That(direct.GetProperty("details").GetProperty("reason").GetString(), Is.EqualTo("blocked_address"));
        Assert.That(redirected.GetProperty("details").GetProperty("reason").GetString(), Is.EqualTo("blocked_address"));
        Assert.That(await notAllowed.CountRequestsSettledAsync("PROPFIND"), Is.Zero, "no request reached it");
        Assert.That(await api.CredentialCountAsync(), Is.Zero);
    }

    [Test]
    public async Task AServerThatIsNotCalDav_IsRefusedAsNotCalDav()
    {
        var error = await Json.AssertErrorEnvelopeAsync(
            await AddAccountAsync("caldav", "alice", AlicePassword, feeds.Url("status/404")),
            400,
            "BadRequestException"
        );

        Assert.That(error.GetProperty("details").GetProperty("reason").GetString(), Is.EqualTo("not_caldav"));
    }

    [Test]
    public async Task Apple_UsesTheConfiguredServer_AndChecksAndDisconnectsThroughTheGenericCalls()
    {
        Assert.That(
            (await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars/apple/check"), 400, "BadRequestException"))
                .GetProperty("message")
                .GetString(),
            Is.EqualTo("Credentials for apple calendar not found.")
        );

        var added = await client.PostAsync(
            "/v2/calendars/apple/credentials",
            Json.Body(new { username = "alice", password = AlicePassword })
        );
        var data = (await Json.ReadAsync(added)).GetProperty("data");
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(
            (data.GetProperty("type").GetString(), data.GetProperty("appId").GetString()),
            Is.EqualTo(("apple_calendar", "apple-calendar"))
        );
        var appleCheck = await client.GetAsync("/v2/calendars/apple/check");
        Assert.That(appleCheck.StatusCode, Is.EqualTo(HttpStatusCode.OK), await appleCheck.Content.ReadAsStringAsync());
        var list = (await Json.ReadAsync(await client.GetAsync("/v2/calendars"))).GetProperty("data").GetProperty("connectedCalendars");
        Assert.That(list[0].GetProperty("integration").GetProperty("type").GetString(), Is.EqualTo("apple_calendar"));
        Assert.That(await BusyAsync("dateFrom=2026-03-02&dateTo=2026-03-02&timeZone=Europe/Berlin"), Has.Count.EqualTo(1));

        var id = data.GetProperty("id").GetInt32();
        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/calendars/caldav/disconnect", Json.Body(new { id })),
            404,
            "NotFoundException"
        );
        var disconnected = await client.PostAsync("/v2/calendars/apple/disconnect", Json.Body(new { id }));
        Assert.That(disconnected.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Json.ReadAsync(disconnected)).GetProperty("data").GetProperty("id").GetInt32(), Is.EqualTo(id));
        Assert.That(await api.CredentialCountAsync(), Is.Zero);
    }

    [Test]
    public async Task MissingFields_AndAnUnknownCalendar_Are400UnderTheirNames()
    {
        var missing = await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/calendars/caldav/credentials", Json.Body(new { })),
            400,
            "BadRequestException"
        );
        var google = await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/calendars/google/credentials", Json.Body(new { username = "a", password = "b" })),
            400,
            "BadRequestException"
        );
        var check = await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars/google/check"), 400, "BadRequestException");

        Assert.That(Json.ErrorFields(missing), Is.EquivalentTo(new[] { "username", "password", "url" }));
        Assert.That(Json.ErrorFields(google), Is.EquivalentTo(new[] { "calendar" }));
        Assert.That(Json.ErrorFields(check), Is.EquivalentTo(new[] { "calendar" }));
    }
}
