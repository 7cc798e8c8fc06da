using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>Every body rule of the save endpoint, and the framework's own refusals, answered in cal.com's envelope.</summary>
public sealed class SaveIcsFeedRequestRulesTests
{
    private const string SavePath = "/v2/calendars/ics-feed/save";
    private const string Valid = "http://127.0.0.1:9/a.ics";

    private CalApiFactory api = null!;
    private HttpClient client = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    private static IEnumerable<TestCaseData> InvalidBodies()
    {
        yield return new TestCaseData("{}", new[] { "urls" }).SetName("Missing urls");
        yield return new TestCaseData("""{"urls":null}""", new[] { "urls" }).SetName("Null urls");
        yield return new TestCaseData("""{"urls":[]}""", new[] { "urls" }).SetName("Empty urls");
        yield return new TestCaseData(
            $$"""{"urls":[{{string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"http://127.0.0.1:9/{i}\""))}}]}""",
            new[] { "urls" }
        ).SetName("51 urls");
        yield return new TestCaseData("""{"urls":"http://127.0.0.1:9/a.ics"}""", new[] { "urls" }).SetName("urls not an array");
        yield return new TestCaseData("""{"urls":[42]}""", new[] { "urls[0]" }).SetName("Non-string element");
        yield return new TestCaseData($$"""{"urls":["{{Valid}}","{{Valid}}2","ftp://127.0.0.1/a.ics"]}""", new[] { "urls[2]" }).SetName(
            "Wrong scheme at index 2"
        );
        yield return new TestCaseData($$"""{"urls":["{{Valid}}","not a url"]}""", new[] { "urls[1]" }).SetName("Relative URL");
        yield return new TestCaseData($$"""{"urls":["{{Valid}}",""]}""", new[] { "urls[1]" }).SetName("Empty string");
        yield return new TestCaseData($$"""{"urls":["http://127.0.0.1:9/{{new string('a', 2030)}}"]}""", new[] { "urls[0]" }).SetName(
            "URL over 2048 chars"
        );
        yield return new TestCaseData($$"""{"urls":["{{Valid}}","{{Valid}}"]}""", new[] { "urls[1]" }).SetName("Duplicate URLs");
        yield return new TestCaseData(
            $$"""{"urls":["javascript:alert(1)","{{Valid}}","file:///etc/passwd"]}""",
            new[] { "urls[0]", "urls[2]" }
        ).SetName("Every problem listed");
        yield return new TestCaseData($$"""{"urls":["{{Valid}}"],"readOnly":"yes"}""", new[] { "readOnly" }).SetName(
            "readOnly not a boolean"
        );
        yield return new TestCaseData("""{"urls":[""", null).SetName("Truncated JSON");
        yield return new TestCaseData("""not json""", null).SetName("Not JSON");
        yield return new TestCaseData("""[1,2]""", null).SetName("JSON array body");
        yield return new TestCaseData("", new[] { "urls" }).SetName("Empty body");
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Save_InvalidBody_Returns400ListingFieldPaths(string body, string[]? expectedFields)
    {
        var response = await client.PostAsync(SavePath, Json.Body(body));

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        var fields = Json.ErrorFields(error);
        Assert.That(fields, Is.Not.Empty);
        if (expectedFields is not null)
        {
            Assert.That(fields, Is.EquivalentTo(expectedFields));
        }

        Assert.That(await api.CredentialCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Save_Exactly2048CharUrlAnd50Urls_PassValidation()
    {
        // They pass the body rules and fail only at fetching (nothing listens on port 9): the error is about feeds, not fields.
        var longUrl = "http://127.0.0.1:9/" + new string('a', 2048 - "http://127.0.0.1:9/".Length);
        var urls = Enumerable.Range(0, 49).Select(i => $"http://127.0.0.1:9/{i}").Append(longUrl).ToArray();

        var error = await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync(SavePath, Json.Body(new { urls })),
            400,
            "BadRequestException"
        );

        Assert.That(error.GetProperty("details").TryGetProperty("feeds", out var feeds), Is.True, error.ToString());
        Assert.That(feeds.GetArrayLength(), Is.EqualTo(50));
    }

    [Test]
    public async Task Save_WrongContentType_Returns415Envelope()
    {
        using var content = new StringContent($$"""{"urls":["{{Valid}}"]}""", System.Text.Encoding.UTF8, "text/plain");
        await Json.AssertErrorEnvelopeAsync(await client.PostAsync(SavePath, content), 415, "UnsupportedMediaTypeException");
    }

    [Test]
    public async Task Save_BodyOverLimit_Returns413Envelope()
    {
        var huge = $$"""{"urls":["{{Valid}}"],"padding":"{{new string('x', 2 * 1024 * 1024)}}"}""";
        await Json.AssertErrorEnvelopeAsync(await client.PostAsync(SavePath, Json.Body(huge)), 413, "PayloadTooLargeException");
    }

    [Test]
    public async Task UnknownRoute_Returns404Envelope()
    {
        await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/no-such-thing"), 404, "NotFoundException");
    }

    [Test]
    public async Task WrongMethod_Returns405Envelope()
    {
        await Json.AssertErrorEnvelopeAsync(await client.GetAsync(SavePath), 405, "MethodNotAllowedException");
    }

    [Test]
    public async Task EveryResponse_CarriesRequestId()
    {
        var response = await client.PostAsync(SavePath, Json.Body("{}"));
        Assert.That(response.Headers.TryGetValues("X-Request-Id", out var ids), Is.True);
        Assert.That(ids!.Single(), Is.Not.Empty);
    }
}
