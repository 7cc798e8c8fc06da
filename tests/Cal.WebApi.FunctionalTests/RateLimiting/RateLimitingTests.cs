using System.Net;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.WebApi.FunctionalTests.RateLimiting;

/// <summary>Rate limits through the real host: per API key, per client IP when unauthenticated, headers on every response.</summary>
public sealed class RateLimitingTests
{
    private CalApiFactory api = null!;

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
    }

    /// <summary>A fake clock at the start of a one-minute window, so no window boundary falls inside the test.</summary>
    private CalApiFactory Start(IDictionary<string, string?>? overrides = null, bool storeAnswersLater = false)
    {
        api = new CalApiFactory(
            overrides: overrides,
            useFakeClock: true,
            configureServices: storeAnswersLater
                ? services =>
                    services.AddSingleton<Cal.Application.Common.Interfaces.IRateLimitStore>(
                        new AnswersLater(new Cal.Infrastructure.RateLimiting.MemoryRateLimitStore())
                    )
                : (Action<IServiceCollection>?)null
        );
        var now = api.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        api.Clock.Advance(TimeSpan.FromMilliseconds(60_000 - (now % 60_000) + 1_000));
        return api;
    }

    /// <summary>A store that answers after a yield, as a shared one (Redis) does: the limiter's asynchronous path.</summary>
    private sealed class AnswersLater(Cal.Application.Common.Interfaces.IRateLimitStore inner)
        : Cal.Application.Common.Interfaces.IRateLimitStore
    {
        public async ValueTask<long> IncrementAsync(
            string partition,
            long windowIndex,
            TimeSpan window,
            CancellationToken cancellationToken
        )
        {
            await Task.Yield();
            return await inner.IncrementAsync(partition, windowIndex, window, cancellationToken);
        }
    }

    private static int Header(HttpResponseMessage response, string name) =>
        int.Parse(response.Headers.GetValues(name).Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A store that answers at once is counted on the middleware's synchronous path; one that answers later on its
    /// asynchronous one: either way each request counts once.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task Default_120PerMinutePerKey_The121stIs429WithHeaders_OtherKeysUnaffected_NextWindowOpens(bool storeAnswersLater)
    {
        Start(storeAnswersLater: storeAnswersLater);
        var (_, key) = await api.CreateUserWithKeyAsync();
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);

        for (var i = 1; i <= 120; i++)
        {
            var ok = await client.GetAsync("/v2/calendars");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i}");
            Assert.That((Header(ok, "X-RateLimit-Limit"), Header(ok, "X-RateLimit-Remaining")), Is.EqualTo((120, 120 - i)), $"request {i}");
            Assert.That(Header(ok, "X-RateLimit-Reset"), Is.InRange(1, 60));
        }

        var limited = await client.GetAsync("/v2/calendars");
        var error = await Json.AssertErrorEnvelopeAsync(limited, 429, "ThrottlerException");
        Assert.Multiple(() =>
        {
            Assert.That(Header(limited, "Retry-After"), Is.EqualTo(59), "the window started 1 s ago");
            Assert.That(Header(limited, "X-RateLimit-Remaining"), Is.Zero);
            Assert.That(Header(limited, "X-RateLimit-Limit"), Is.EqualTo(120));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("retry after 59 seconds"));
        });

        using var other = api.CreateAuthorizedClient(otherKey);
        Assert.That((await other.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "another key has its own budget");

        api.Clock.Advance(TimeSpan.FromSeconds(59));
        var next = await client.GetAsync("/v2/calendars");
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a new window");
        Assert.That(Header(next, "X-RateLimit-Remaining"), Is.EqualTo(119));
    }

    [Test]
    public async Task UnauthenticatedFlood_IsLimitedByClientIp_WithoutTouchingKeyedCallers()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "20" });
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var anonymous = api.CreateAuthorizedClient("cal_0000000000000000000000000000000000");

        for (var i = 1; i <= 20; i++)
        {
            var refused = await anonymous.GetAsync("/v2/calendars");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"request {i}");
            Assert.That(Header(refused, "X-RateLimit-Remaining"), Is.EqualTo(20 - i));
        }

        await Json.AssertErrorEnvelopeAsync(await anonymous.GetAsync("/v2/calendars"), 429, "ThrottlerException");
        anonymous.DefaultRequestHeaders.Authorization = null;
        await Json.AssertErrorEnvelopeAsync(await anonymous.GetAsync("/v2/no-such-route"), 429, "ThrottlerException");

        using var keyed = api.CreateAuthorizedClient(key);
        Assert.That((await keyed.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthEndpoints_AreExempt()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "2" });
        using var client = api.CreateAuthorizedClient("unused");

        for (var i = 0; i < 10; i++)
        {
            var live = await client.GetAsync("/health/live");
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(live.Headers.Contains("X-RateLimit-Limit"), Is.False);
            Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task ApiKeys_ShareOneBudgetPerUser_SoARefreshOrASecondKeyDoesNotResetIt()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "3" });
        var (_, key) = await api.CreateUserWithKeyAsync(email: "budget@example.com");
        var (_, second, _) = await api.AdminAsync("api-keys", "create", "--email", "budget@example.com");
        using var first = api.CreateAuthorizedClient(key);
        Assert.That((await first.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var refresh = await first.PostAsync("/v2/api-keys/refresh", Json.Body(new { }));
        Assert.That(refresh.StatusCode, Is.EqualTo(HttpStatusCode.OK), "second of three");
        using var refreshed = api.CreateAuthorizedClient(
            (await Json.ReadAsync(refresh)).GetProperty("data").GetProperty("apiKey").GetString()!
        );
        Assert.That(
            (await refreshed.GetAsync("/v2/calendars")).StatusCode,
            Is.EqualTo(HttpStatusCode.OK),
            "third of three, with the new key"
        );

        await Json.AssertErrorEnvelopeAsync(await refreshed.GetAsync("/v2/calendars"), 429, "ThrottlerException");
        using var other = api.CreateAuthorizedClient(second.Trim());
        await Json.AssertErrorEnvelopeAsync(await other.GetAsync("/v2/calendars"), 429, "ThrottlerException");
    }

    [Test]
    public async Task ManagedUserTokens_ShareOneBudgetPerFamily_AcrossRefreshes()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "3", ["RateLimiting:AccessTokenPermitLimit"] = "3" });
        var (_, stdout, _) = await api.AdminAsync("oauth-clients", "create", "--name", "Acme");
        var oauth = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        var clientId = oauth.GetProperty("clientId").GetString();
        var secret = oauth.GetProperty("secret").GetString()!;
        using var http = api.CreateAuthorizedClient("unused");
        http.DefaultRequestHeaders.Authorization = null;
        http.DefaultRequestHeaders.Add("x-cal-secret-key", secret);

        // The platform calls themselves are unauthenticated (by secret): they count against the client IP.
        var created = (
            await Json.ReadAsync(await http.PostAsync($"/v2/oauth-clients/{clientId}/users", Json.Body(new { email = "a@example.com" })))
        ).GetProperty("data");
        using var first = api.CreateAuthorizedClient(created.GetProperty("accessToken").GetString()!);
        Assert.That((await first.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await first.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refreshed = (
            await Json.ReadAsync(
                await http.PostAsync(
                    $"/v2/oauth/{clientId}/refresh",
                    Json.Body(new { refreshToken = created.GetProperty("refreshToken").GetString() })
                )
            )
        ).GetProperty("data");
        using var second = api.CreateAuthorizedClient(refreshed.GetProperty("accessToken").GetString()!);

        Assert.That((await second.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "third of three");
        await Json.AssertErrorEnvelopeAsync(await second.GetAsync("/v2/calendars"), 429, "ThrottlerException");
    }

    [Test]
    public async Task BehindAKnownProxy_TheForwardedClientIpIsThePartition_AndOtherwiseTheHeaderIsIgnored()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "2", ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var client = api.CreateAuthorizedClient("unused");
        client.DefaultRequestHeaders.Authorization = null;

        async Task<HttpStatusCode> From(string ip)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
            request.Headers.Add("X-Forwarded-For", ip);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.That(
            new[] { await From("203.0.113.7"), await From("203.0.113.7"), await From("203.0.113.7") },
            Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429 })
        );
        Assert.That(
            await From("198.51.100.9"),
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "another client behind the same proxy has its own budget"
        );
    }

    [Test]
    public async Task BehindAKnownNetworkOfProxies_TheForwardedClientIpIsThePartition()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "1", ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" });
        using var client = api.CreateClient();

        async Task<HttpStatusCode> From(string ip)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
            request.Headers.Add("X-Forwarded-For", ip);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.That(
            new[] { await From("203.0.113.7"), await From("203.0.113.7") },
            Is.EqualTo(new[] { HttpStatusCode.Unauthorized, (HttpStatusCode)429 })
        );
        Assert.That(
            await From("198.51.100.9"),
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "a pool of balancers (a CIDR range) is trusted like one proxy: each client its own budget"
        );
    }

    [Test]
    public async Task WithoutKnownProxies_XForwardedForIsNotTrusted()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "2" });
        using var client = api.CreateAuthorizedClient("unused");
        client.DefaultRequestHeaders.Authorization = null;

        var statuses = new List<HttpStatusCode>();
        foreach (var ip in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
            request.Headers.Add("X-Forwarded-For", ip);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.That(statuses[2], Is.EqualTo((HttpStatusCode)429), "a spoofed header does not buy a new budget");
    }

    [Test]
    public async Task PlatformCalls_SpendTheirOAuthClientsBudget_NotTheCallersIp()
    {
        Start(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "2", ["RateLimiting:OAuthClientPermitLimit"] = "2" });
        async Task<HttpClient> ClientOf(string name)
        {
            var (_, json, _) = await api.AdminAsync("oauth-clients", "create", "--name", name);
            var created = System.Text.Json.JsonDocument.Parse(json).RootElement;
            var http = api.CreateClient();
            http.DefaultRequestHeaders.Add("x-cal-secret-key", created.GetProperty("secret").GetString());
            http.BaseAddress = new Uri(http.BaseAddress!, $"/v2/oauth-clients/{created.GetProperty("clientId").GetString()}/");
            return http;
        }

        using var first = await ClientOf("First");
        using var second = await ClientOf("Second");
        var firstClient = new[]
        {
            (await first.GetAsync("users")).StatusCode,
            (await first.GetAsync("users")).StatusCode,
            (await first.GetAsync("users")).StatusCode,
        };
        var secondClient = (await second.GetAsync("users")).StatusCode;
        using var anonymous = api.CreateClient();
        var sameIpUnauthenticated = (await anonymous.GetAsync("/v2/calendars")).StatusCode;

        Assert.That(
            firstClient,
            Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429 }),
            "the client's own budget of 2"
        );
        Assert.That(secondClient, Is.EqualTo(HttpStatusCode.OK), "another client, from the same address, has its own");
        Assert.That(sameIpUnauthenticated, Is.EqualTo(HttpStatusCode.Unauthorized), "and the address's own budget is untouched");
    }
}
