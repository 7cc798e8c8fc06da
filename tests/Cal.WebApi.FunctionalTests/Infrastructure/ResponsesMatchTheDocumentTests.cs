using System.Text.Json;
using Cal.Testing;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Real responses, success and error, validate against the schema the OpenAPI document declares for their path, method and status.</summary>
public sealed class ResponsesMatchTheDocumentTests
{
    [Test]
    public async Task EveryResponse_MatchesItsDeclaredSchema()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        var work = feeds.AddFeed("work", IcsSamples.Simple("Work"));
        await using var api = new CalApiFactory(overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" });
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        using var anonymous = api.CreateClient();
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement.Clone();

        var exchanges = new List<(string Template, string Method, HttpResponseMessage Response)>
        {
            ("/v2/calendars/ics-feed/check", "get", await client.GetAsync("/v2/calendars/ics-feed/check")), // 400: none yet
            ("/v2/calendars/ics-feed/save", "post", await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body("{}"))), // 400 body
            ("/v2/calendars/ics-feed/save", "post", await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feeds.Url("status/404") } }))), // 400 feeds
            ("/v2/calendars/ics-feed/save", "post", await anonymous.PostAsync("/v2/calendars/ics-feed/save", Json.Body("{}"))), // 401
            ("/v2/calendars/ics-feed/save", "post", await client.PostAsync("/v2/calendars/ics-feed/save", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"))), // 415
            ("/v2/calendars/ics-feed/save", "post", await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body($$"""{"pad":"{{new string('x', 300_000)}}"}"""))), // 413
            ("/v2/calendars/ics-feed/save", "post", await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { work } }))), // 201
            ("/v2/calendars/ics-feed/check", "get", await client.GetAsync("/v2/calendars/ics-feed/check")), // 200
            ("/v2/calendars", "get", await client.GetAsync("/v2/calendars")), // 200
            ("/v2/calendars/busy-times", "get", await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-06")), // 200
            ("/v2/calendars/busy-times", "get", await client.GetAsync("/v2/calendars/busy-times?dateFrom=x")), // 400
            ("/v2/calendars/busy-times", "get", await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-06&calendarsToLoad[0][credentialId]=999")), // 404
            ("/v2/calendars/ics-feed/disconnect", "post", await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id = 999 }))), // 404
            ("/v2/calendars/ics-feed/disconnect", "post", await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id = 1 }))), // 200
        };

        var problems = new List<string>();
        foreach (var (template, method, response) in exchanges)
        {
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (!document.GetProperty("paths").GetProperty(template).GetProperty(method).GetProperty("responses").TryGetProperty(status, out var declared))
            {
                problems.Add($"{method.ToUpperInvariant()} {template} {status}: status not documented");
                continue;
            }

            var schema = declared.GetProperty("content").GetProperty("application/json").GetProperty("schema");
            problems.AddRange(SchemaCheck.Validate(document, schema, body).Select(e => $"{method.ToUpperInvariant()} {template} {status}: {e}"));
        }

        Assert.That(exchanges.Select(e => (int)e.Response.StatusCode).Distinct(), Is.SupersetOf(new[] { 200, 201, 400, 401, 404, 413, 415 }));
        Assert.That(problems, Is.Empty);
        api.DeleteData();
    }
}
