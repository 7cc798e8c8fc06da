using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// cal.com's selected calendars (#16.4, provider-independent): every calendar starts selected; a deselected one gives no
/// busy times and shows <c>isSelected: false</c>; selecting it again brings it back; what is stored names no feed URL.
/// </summary>
public sealed class SelectedCalendarsTests
{
    private static readonly string Work = Ics.NamedCalendar("Work", Ics.Event("w", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z"));

    private static readonly string Home = Ics.NamedCalendar("Home", Ics.Event("h", "DTSTART:20260105T180000Z", "DTEND:20260105T190000Z"));

    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient client = null!;
    private string workUrl = null!;
    private string homeUrl = null!;
    private int credentialId;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        workUrl = feeds.AddFeed("work-private-7f3a", Work);
        homeUrl = feeds.AddFeed("home-private-9c1d", Home);
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
        var saved = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { workUrl, homeUrl } }));
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        credentialId = (await Json.ReadAsync(saved)).GetProperty("data").GetProperty("id").GetInt32();
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task<List<int>> BusyHoursAsync() =>
        (await Json.ReadAsync(await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-05&timeZone=UTC")))
            .GetProperty("data")
            .EnumerateArray()
            .Select(i => DateTimeOffset.Parse(i.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Hour)
            .ToList();

    private async Task<Dictionary<string, bool>> IsSelectedAsync() =>
        (await Json.ReadAsync(await client.GetAsync("/v2/calendars")))
            .GetProperty("data")
            .GetProperty("connectedCalendars")[0]
            .GetProperty("calendars")
            .EnumerateArray()
            .ToDictionary(c => c.GetProperty("externalId").GetString()!, c => c.GetProperty("isSelected").GetBoolean());

    private string Query(string externalId, int? credential = null, string integration = "ics-feed_calendar") =>
        $"/v2/selected-calendars?integration={integration}&externalId={Uri.EscapeDataString(externalId)}&credentialId={credential ?? credentialId}";

    [Test]
    public async Task ADeselectedCalendar_GivesNoBusyTimes_UntilSelectedAgain()
    {
        Assert.That(await BusyHoursAsync(), Is.EqualTo(new[] { 9, 18 }), "every calendar starts selected");

        var deselected = await client.DeleteAsync(Query(homeUrl));
        var data = (await Json.ReadAsync(deselected)).GetProperty("data");

        Assert.That(deselected.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            data.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "userId", "integration", "externalId", "credentialId" })
        );
        Assert.That(
            (data.GetProperty("externalId").GetString(), data.GetProperty("credentialId").GetInt32()),
            Is.EqualTo((homeUrl, credentialId))
        );
        Assert.That(await BusyHoursAsync(), Is.EqualTo(new[] { 9 }), "the home feed's event is gone");
        Assert.That(await IsSelectedAsync(), Is.EqualTo(new Dictionary<string, bool> { [workUrl] = true, [homeUrl] = false }));
        var explicitly = await Json.ReadAsync(
            await client.GetAsync(
                $"/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-05&timeZone=UTC&calendarsToLoad[0][credentialId]={credentialId}&calendarsToLoad[0][externalId]={Uri.EscapeDataString(homeUrl)}"
            )
        );
        Assert.That(explicitly.GetProperty("data").GetArrayLength(), Is.Zero, "not even when asked for by name");

        var selected = await client.PostAsync(
            "/v2/selected-calendars",
            Json.Body(
                new
                {
                    integration = "ics-feed_calendar",
                    externalId = homeUrl,
                    credentialId,
                }
            )
        );
        var again = await client.PostAsync(
            "/v2/selected-calendars",
            Json.Body(
                new
                {
                    integration = "ics-feed_calendar",
                    externalId = homeUrl,
                    credentialId,
                }
            )
        );

        Assert.That((selected.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)), "idempotent");
        Assert.That(await BusyHoursAsync(), Is.EqualTo(new[] { 9, 18 }));
        Assert.That(await IsSelectedAsync(), Is.EqualTo(new Dictionary<string, bool> { [workUrl] = true, [homeUrl] = true }));
    }

    [Test]
    public async Task DeselectingTwice_Is404_AndWhatIsStoredNamesNoFeedUrl()
    {
        Assert.That((await client.DeleteAsync(Query(workUrl))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Json.AssertErrorEnvelopeAsync(await client.DeleteAsync(Query(workUrl)), 404, "NotFoundException");

        var stored = await api.WithDbAsync(db => db.CalendarDeselections.AsNoTracking().ToListAsync());
        Assert.That(stored, Has.Count.EqualTo(1));
        Assert.That(stored[0].ExternalIdHash, Does.Not.Contain("private").And.Length.EqualTo(64));
    }

    [Test]
    public async Task AnotherUsersCredential_AnUnheldCalendar_OrAnotherIntegration_IsNotFound()
    {
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);

        await Json.AssertErrorEnvelopeAsync(await other.DeleteAsync(Query(workUrl)), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(await client.DeleteAsync(Query(workUrl + "?not-saved")), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(
            await client.DeleteAsync(Query(workUrl, integration: "google_calendar")),
            404,
            "NotFoundException"
        );
        await Json.AssertErrorEnvelopeAsync(
            await other.PostAsync(
                "/v2/selected-calendars",
                Json.Body(
                    new
                    {
                        integration = "ics-feed_calendar",
                        externalId = workUrl,
                        credentialId,
                    }
                )
            ),
            404,
            "NotFoundException"
        );
        Assert.That(await BusyHoursAsync(), Is.EqualTo(new[] { 9, 18 }), "nothing changed");
    }

    [Test]
    public async Task MissingFields_Are400UnderTheirNames()
    {
        var error = await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/selected-calendars", Json.Body(new { })),
            400,
            "BadRequestException"
        );

        Assert.That(Json.ErrorFields(error), Is.EquivalentTo(new[] { "integration", "externalId", "credentialId" }));
    }
}
