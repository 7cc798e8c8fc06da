using System.Net;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Compatibility;

/// <summary>
/// #21.3, .4, .6: CORS as cal.com serves browsers, cal.com's rate-limit header names and per-kind limits, and the status
/// codes and messages where cal.com's differ from Cal's earlier ones.
/// </summary>
public sealed class CorsAndHeadersTests
{
    private CalApiFactory api = null!;

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
    }

    [Test]
    public async Task APreflight_IsAnswered_ForAnyOrigin_WithCalComsHeaders()
    {
        api = new CalApiFactory();
        using var http = api.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v2/calendars/busy-times");
        preflight.Headers.Add("Origin", "https://app.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add(
            "Access-Control-Request-Headers",
            "authorization, x-cal-secret-key, x-cal-client-id, cal-api-version, content-type"
        );

        var response = await http.SendAsync(preflight);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.That(
            allowed,
            Does.Contain("authorization")
                .And.Contain("x-cal-secret-key")
                .And.Contain("x-cal-client-id")
                .And.Contain("cal-api-version")
                .And.Contain("content-type")
        );
    }

    [Test]
    public async Task ASimpleRequest_CarriesTheOrigin_AndExposesTheRateLimitHeaders()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var http = api.CreateAuthorizedClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
        request.Headers.Add("Origin", "https://app.example.org");

        var response = await http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
        Assert.That(
            string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")),
            Does.Contain("X-RateLimit-Remaining-Default")
        );
    }

    [Test]
    public async Task AllowedOrigins_NarrowsCors()
    {
        api = new CalApiFactory(overrides: new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://allowed.example.org" });
        using var http = api.CreateClient();

        async Task<bool> Allowed(string origin)
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v2/calendars");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            return (await http.SendAsync(preflight)).Headers.Contains("Access-Control-Allow-Origin");
        }

        Assert.That((await Allowed("https://allowed.example.org"), await Allowed("https://other.example.org")), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task RateLimitHeaders_AlsoCarryCalComsNames_AndTheLimitsArePerKindOfCaller()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var withKey = api.CreateAuthorizedClient(key);
        var (code, stdout, _) = await api.AdminAsync("oauth-clients", "create", "--name", "Limits");
        Assert.That(code, Is.Zero);
        var client = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        using var platform = api.CreateClient();
        platform.DefaultRequestHeaders.Add("x-cal-secret-key", client.GetProperty("secret").GetString());
        var created = (
            await Json.ReadAsync(
                await platform.PostAsync(
                    $"/v2/oauth-clients/{client.GetProperty("clientId").GetString()}/users",
                    Json.Body(new { email = "k@example.com" })
                )
            )
        ).GetProperty("data");
        using var withToken = api.CreateAuthorizedClient(created.GetProperty("accessToken").GetString()!);

        var byKey = await withKey.GetAsync("/v2/calendars");
        var byToken = await withToken.GetAsync("/v2/calendars");
        var byClient = await platform.GetAsync($"/v2/oauth-clients/{client.GetProperty("clientId").GetString()}/users");

        string Header(HttpResponseMessage r, string name) => r.Headers.GetValues(name).Single();
        Assert.That(
            (Header(byKey, "X-RateLimit-Limit"), Header(byKey, "X-RateLimit-Limit-Default")),
            Is.EqualTo(("120", "120")),
            "API keys: cal.com's 120 a minute"
        );
        Assert.That(Header(byKey, "X-RateLimit-Remaining-Default"), Is.EqualTo(Header(byKey, "X-RateLimit-Remaining")));
        Assert.That(Header(byKey, "X-RateLimit-Reset-Default"), Is.EqualTo(Header(byKey, "X-RateLimit-Reset")));
        Assert.That(Header(byToken, "X-RateLimit-Limit-Default"), Is.EqualTo("500"), "access tokens: 500");
        Assert.That(Header(byClient, "X-RateLimit-Limit-Default"), Is.EqualTo("500"), "OAuth clients: 500");
    }

    [Test]
    public async Task RefreshingAKey_WithBothExpiryChoices_Is400()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var http = api.CreateAuthorizedClient(key);

        var error = await Json.AssertErrorEnvelopeAsync(
            await http.PostAsync("/v2/api-keys/refresh", Json.Body(new { apiKeyDaysValid = 10, apiKeyNeverExpires = true })),
            400,
            "BadRequestException"
        );

        Assert.That(Json.ErrorFields(error), Is.EqualTo(new[] { "apiKeyNeverExpires" }));
    }
}
