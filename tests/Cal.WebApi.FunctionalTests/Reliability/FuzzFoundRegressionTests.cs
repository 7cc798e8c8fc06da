using System.Net;
using System.Text;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>The requests the API fuzzer found answered 500, each pinned on its own.</summary>
public sealed class FuzzFoundRegressionTests
{
    private CalApiFactory api = null!;
    private HttpClient client = null!;

    [SetUp]
    public async Task SetUp()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    [Test]
    public async Task AFormBodyWithBracketKeys_SentWithAGet_IsIgnored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-06")
        {
            Content = new StringContent(
                """{"urls": ["javascript:alert(1)", "file:///etc/pas""",
                Encoding.UTF8,
                "application/x-www-form-urlencoded"
            ),
        };

        Assert.That((await client.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ABodyInvalidInItsDeclaredCharset_Is400()
    {
        var content = new ByteArrayContent([0x7b, 0x22, 0x6c]); // three bytes: not UTF-16
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");

        var response = await client.PostAsync("/v2/calendars/ics-feed/save", content);

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("charset"));
    }

    [Test]
    public async Task MvcsOwn415_IsInTheEnvelope()
    {
        using var anonymous = api.CreateClient();
        anonymous.DefaultRequestHeaders.Add("x-cal-secret-key", "whatever");

        await Json.AssertErrorEnvelopeAsync(
            await anonymous.PostAsync("/v2/oauth/clx/refresh", new StringContent("x", Encoding.UTF8, "text/plain")),
            415,
            "UnsupportedMediaTypeException"
        );
    }

    [Test]
    public async Task BusyTimesAtTheCalendarsEdge_Is400()
    {
        await Json.AssertErrorEnvelopeAsync(
            await client.GetAsync("/v2/calendars/busy-times?dateFrom=0001-01-01&dateTo=0001-01-02"),
            400,
            "BadRequestException"
        );
    }

    [Test]
    public async Task ADateTimeWhoseOffsetTakesItBeforeYear1_Is400()
    {
        // Found by the fuzzer (2026-12-02): an explicit offset east of UTC at the first instant of year 1 has no UTC time.
        foreach (var edge in new[] { "0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00" })
        {
            await Json.AssertErrorEnvelopeAsync(
                await client.GetAsync($"/v2/calendars/busy-times?dateFrom={edge}&dateTo=2026-01-02"),
                400,
                "BadRequestException"
            );
            using var anonymous = api.CreateClient();
            await Json.AssertErrorEnvelopeAsync(
                await anonymous.GetAsync($"/v2/slots?eventTypeId=1&start={edge}&end=2026-01-02"),
                400,
                "BadRequestException"
            );
        }
    }
}
