using System.Text.Json;
using Cal.Testing;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Real responses, success and error, validate against the schema the OpenAPI document declares for their path, method and
/// status.</summary>
public sealed class ResponsesMatchTheDocumentTests
{
    [Test]
    public async Task EveryResponse_MatchesItsDeclaredSchema()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        var work = feeds.AddFeed("work", IcsSamples.Simple("Work"));
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        using var anonymous = api.CreateClient();
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement.Clone();

        var exchanges = new List<(string Template, string Method, HttpResponseMessage Response)>
        {
            ("/v2/calendars/{calendar}/check", "get", await client.GetAsync("/v2/calendars/ics-feed/check")), // 400: none yet
            ("/v2/calendars/ics-feed/save", "post", await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body("{}"))), // 400 body
            (
                "/v2/calendars/ics-feed/save",
                "post",
                await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feeds.Url("status/404") } }))
            ), // 400 feeds
            ("/v2/calendars/ics-feed/save", "post", await anonymous.PostAsync("/v2/calendars/ics-feed/save", Json.Body("{}"))), // 401
            (
                "/v2/calendars/ics-feed/save",
                "post",
                await client.PostAsync("/v2/calendars/ics-feed/save", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"))
            ), // 415
            (
                "/v2/calendars/ics-feed/save",
                "post",
                await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body($$"""{"pad":"{{new string('x', 300_000)}}"}"""))
            ), // 413
            (
                "/v2/calendars/ics-feed/save",
                "post",
                await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { work } }))
            ), // 201
            ("/v2/calendars/{calendar}/check", "get", await client.GetAsync("/v2/calendars/ics-feed/check")), // 200
            ("/v2/calendars", "get", await client.GetAsync("/v2/calendars")), // 200
            // 200
            ("/v2/calendars/busy-times", "get", await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-06")),
            ("/v2/calendars/busy-times", "get", await client.GetAsync("/v2/calendars/busy-times?dateFrom=x")), // 400
            (
                "/v2/calendars/busy-times",
                "get",
                await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-06&calendarsToLoad[0][credentialId]=999")
            ), // 404
            (
                "/v2/calendars/{calendar}/disconnect",
                "post",
                await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id = 999 }))
            ), // 404
            (
                "/v2/calendars/{calendar}/disconnect",
                "post",
                await client.PostAsync("/v2/calendars/ics-feed/disconnect", Json.Body(new { id = 1 }))
            ), // 200
            (
                "/v2/calendars/{calendar}/credentials",
                "post",
                await client.PostAsync("/v2/calendars/caldav/credentials", Json.Body(new { }))
            ), // 400 body
            (
                "/v2/calendars/{calendar}/credentials",
                "post",
                await client.PostAsync(
                    "/v2/calendars/caldav/credentials",
                    Json.Body(
                        new
                        {
                            username = "a",
                            password = "b",
                            url = feeds.Url("status/404"),
                        }
                    )
                )
            ), // 400 not_caldav
            ("/v2/calendars/{calendar}/check", "get", await client.GetAsync("/v2/calendars/apple/check")), // 400: none
            ("/v2/api-keys/refresh", "post", await client.PostAsync("/v2/api-keys/refresh", Json.Body(new { }))), // 200
        };

        // The platform endpoints: managed user (201, 400, 401, 409), refresh (200, 401), expired token (498), limit (429).
        var (_, clientJson, _) = await api.AdminAsync("oauth-clients", "create", "--name", "Doc");
        var oauth = JsonDocument.Parse(clientJson).RootElement;
        var users = $"/v2/oauth-clients/{oauth.GetProperty("clientId").GetString()}/users";
        var refresh = $"/v2/oauth/{oauth.GetProperty("clientId").GetString()}/refresh";
        anonymous.DefaultRequestHeaders.Add("x-cal-secret-key", oauth.GetProperty("secret").GetString());
        var created = await anonymous.PostAsync(
            users,
            Json.Body(
                new
                {
                    email = "doc@example.com",
                    timeZone = "Europe/Rome",
                    name = "Doc",
                }
            )
        );
        var tokens = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        exchanges.Add(("/v2/oauth-clients/{clientId}/users", "post", created));
        exchanges.Add(
            ("/v2/oauth-clients/{clientId}/users", "post", await anonymous.PostAsync(users, Json.Body(new { email = "doc@example.com" })))
        );
        exchanges.Add(("/v2/oauth-clients/{clientId}/users", "post", await anonymous.PostAsync(users, Json.Body(new { email = "x" }))));
        exchanges.Add(("/v2/oauth-clients/{clientId}/users", "get", await anonymous.GetAsync(users)));
        exchanges.Add(
            (
                "/v2/oauth-clients/{clientId}/users/{userId}",
                "get",
                await anonymous.GetAsync($"{users}/{tokens.GetProperty("user").GetProperty("id").GetInt32()}")
            )
        );
        exchanges.Add(("/v2/oauth-clients/{clientId}/users/{userId}", "get", await anonymous.GetAsync($"{users}/99999")));
        exchanges.Add(
            (
                "/v2/oauth/{clientId}/refresh",
                "post",
                await anonymous.PostAsync(refresh, Json.Body(new { refreshToken = tokens.GetProperty("refreshToken").GetString() }))
            )
        );
        exchanges.Add(
            ("/v2/oauth/{clientId}/refresh", "post", await anonymous.PostAsync(refresh, Json.Body(new { refreshToken = "calrt_unknown" })))
        );
        anonymous.DefaultRequestHeaders.Remove("x-cal-secret-key");
        exchanges.Add(
            ("/v2/oauth-clients/{clientId}/users", "post", await anonymous.PostAsync(users, Json.Body(new { email = "y@example.com" })))
        );
        await using (
            var expiring = new CalApiFactory(
                overrides: new Dictionary<string, string?>
                {
                    ["Auth:AccessTokenLifetime"] = "00:00:01",
                    ["RateLimiting:PermitLimit"] = "2",
                    ["RateLimiting:OAuthClientPermitLimit"] = "2",
                },
                useFakeClock: true
            )
        )
        {
            // At the start of a rate-limit window, so the 2 s the clock moves below cannot cross into the next one.
            var nowMs = expiring.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            expiring.Clock.Advance(TimeSpan.FromMilliseconds(60_000 - (nowMs % 60_000) + 1_000));
            var (_, json, _) = await expiring.AdminAsync("oauth-clients", "create", "--name", "Doc");
            var c = JsonDocument.Parse(json).RootElement;
            using var http = expiring.CreateClient();
            http.DefaultRequestHeaders.Add("x-cal-secret-key", c.GetProperty("secret").GetString());
            var access = JsonDocument
                .Parse(
                    await (
                        await http.PostAsync(
                            $"/v2/oauth-clients/{c.GetProperty("clientId").GetString()}/users",
                            Json.Body(new { email = "e@example.com" })
                        )
                    ).Content.ReadAsStringAsync()
                )
                .RootElement.GetProperty("data")
                .GetProperty("accessToken")
                .GetString()!;
            expiring.Clock.Advance(TimeSpan.FromSeconds(2));
            using var bearer = expiring.CreateAuthorizedClient(access);
            exchanges.Add(("/v2/calendars", "get", await bearer.GetAsync("/v2/calendars"))); // 498
            // the client's second call of its budget of 2
            (await http.GetAsync($"/v2/oauth-clients/{c.GetProperty("clientId").GetString()}/users")).Dispose();
            exchanges.Add(
                (
                    "/v2/oauth-clients/{clientId}/users",
                    "post",
                    await http.PostAsync(
                        $"/v2/oauth-clients/{c.GetProperty("clientId").GetString()}/users",
                        Json.Body(new { email = "f@example.com" })
                    )
                )
            ); // 429
            expiring.DeleteData();
        }

        var problems = new List<string>();
        foreach (var (template, method, response) in exchanges)
        {
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (
                !document
                    .GetProperty("paths")
                    .GetProperty(template)
                    .GetProperty(method)
                    .GetProperty("responses")
                    .TryGetProperty(status, out var declared)
            )
            {
                problems.Add($"{method.ToUpperInvariant()} {template} {status}: status not documented");
                continue;
            }

            var schema = declared.GetProperty("content").GetProperty("application/json").GetProperty("schema");
            problems.AddRange(
                SchemaCheck.Validate(document, schema, body).Select(e => $"{method.ToUpperInvariant()} {template} {status}: {e}")
            );
        }

        Assert.That(
            exchanges.Select(e => (int)e.Response.StatusCode).Distinct(),
            Is.SupersetOf(new[] { 200, 201, 400, 401, 404, 409, 413, 415, 429, 498 })
        );
        Assert.That(problems, Is.Empty);
        api.DeleteData();
    }
}
