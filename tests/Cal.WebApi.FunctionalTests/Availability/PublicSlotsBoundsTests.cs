using System.Net;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Availability;

/// <summary>
/// Issue #28.1 and .2: what an anonymous caller can make <c>GET /v2/slots</c> do is bounded: every year of the calendar
/// answers 200 or 400 (never 500), <c>duration</c> is the event type's length only, an answer holds at most 10,000 slots,
/// and anonymous requests reading one host's calendars are limited per host, whoever sends them.
/// </summary>
public sealed class PublicSlotsBoundsTests
{
    private CalApiFactory api = null!;
    private HttpClient owner = null!;
    private HttpClient anonymous = null!;
    private int eventTypeId;

    [SetUp]
    public async Task SetUp()
    {
        api = new CalApiFactory(overrides: new Dictionary<string, string?> { ["AnonymousAvailability:PermitLimitPerHost"] = "40" });
        var (_, key) = await api.CreateUserWithKeyAsync();
        owner = api.CreateAuthorizedClient(key);
        anonymous = api.CreateClient();
        Assert.That(
            (
                await owner.PostAsync(
                    "/v2/schedules",
                    Json.Body(
                        new
                        {
                            name = "Work",
                            timeZone = "Europe/Berlin",
                            isDefault = true,
                        }
                    )
                )
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        var created = await owner.PostAsync(
            "/v2/event-types",
            Json.Body(
                new
                {
                    title = "Short",
                    slug = "short",
                    lengthInMinutes = 5,
                    slotInterval = 1,
                }
            )
        );
        eventTypeId = (await Json.ReadAsync(created)).GetProperty("data").GetProperty("id").GetInt32();
    }

    [TearDown]
    public async Task TearDown()
    {
        owner.Dispose();
        anonymous.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    [TestCase("9999-06-01", "9999-07-01")]
    [TestCase("0001-01-02", "0001-01-05")]
    [TestCase("0001-01-01", "0001-01-01")]
    [TestCase("9999-12-31", "9999-12-31")]
    [TestCase("9999-12-31T23:59:59Z", "9999-12-31T23:59:59.9999999Z")]
    [TestCase("2200-01-01", "2200-01-02")]
    [TestCase("1899-12-31", "1900-01-02")]
    public async Task YearsOutside1900To2100_Are400_NeverA500(string start, string end)
    {
        var response = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start={start}&end={end}");

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Does.StartWith("Invalid time range given"));
    }

    [TestCase("1900-01-01", "1900-01-02")]
    [TestCase("2100-12-30", "2100-12-31")]
    public async Task TheEdgesOfTheAnsweredYears_Answer200(string start, string end)
    {
        var response = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start={start}&end={end}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task ADurationOtherThanTheLength_Is400_AndTheLengthItself_Answers()
    {
        var other = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29&duration=1");
        var same = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29&duration=5");

        var error = await Json.AssertErrorEnvelopeAsync(other, 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("5 minutes"));
        Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ARangeHoldingMoreThan10000Slots_Is400AskingForAShorterRange()
    {
        // One-minute steps over 09:00-17:00: 476 slots a weekday, so 22 weekdays are more than 10,000.
        var month = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-01&end=2027-03-31");
        var week = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-01&end=2027-03-07");

        var error = await Json.AssertErrorEnvelopeAsync(month, 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("more than 10000 slots"));
        var days = (await Json.ReadAsync(week)).GetProperty("data").EnumerateObject().ToList();
        Assert.That(days.Sum(d => d.Value.GetArrayLength()), Is.EqualTo(5 * 476));
    }

    [Test]
    public async Task AnonymousRequestsForOneHost_AreLimitedPerHost_WhateverTheirAddress_ButNotTheHostsOwn()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 41; i++)
        {
            statuses.Add((await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29")).StatusCode);
        }

        var refused = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29");
        var own = await owner.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29");

        Assert.That(statuses.Take(40), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(statuses[40], Is.EqualTo(HttpStatusCode.TooManyRequests));
        await Json.AssertErrorEnvelopeAsync(refused, 429, "ThrottlerException");
        Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the host asking for their own slots is not an anonymous caller");
    }
}
