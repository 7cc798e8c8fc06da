using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Platform;

/// <summary>
/// The platform flow through the real host: OAuth client (admin command) → managed user → save an ICS feed
/// with its access token → refresh → reuse detection → expiry (498), on a clock the test moves.
/// </summary>
public sealed class ManagedUserFlowTests
{
    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient anonymous = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" },
            useFakeClock: true
        );
        anonymous = api.CreateAuthorizedClient("unused");
        anonymous.DefaultRequestHeaders.Authorization = null;
    }

    [TearDown]
    public async Task TearDown()
    {
        anonymous.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task<(string ClientId, string Secret)> CreateClientAsync(string name = "Acme Scheduling")
    {
        var (code, stdout, stderr) = await api.AdminAsync("oauth-clients", "create", "--name", name);
        Assert.That(code, Is.Zero, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.That(json.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "clientId", "secret" }));
        return (json.GetProperty("clientId").GetString()!, json.GetProperty("secret").GetString()!);
    }

    private HttpRequestMessage WithSecret(HttpMethod method, string path, string? secret, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = Json.Body(body) };
        if (secret is not null)
        {
            request.Headers.Add("x-cal-secret-key", secret);
        }

        return request;
    }

    private async Task<JsonElement> CreateManagedUserAsync(string clientId, string secret, string email = "alice@example.com")
    {
        var response = await anonymous.SendAsync(
            WithSecret(
                HttpMethod.Post,
                $"/v2/oauth-clients/{clientId}/users",
                secret,
                new
                {
                    email,
                    timeZone = "America/New_York",
                    name = "Alice",
                }
            )
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await Json.ReadAsync(response);
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
        return json.GetProperty("data");
    }

    private async Task<HttpResponseMessage> RefreshAsync(string clientId, string secret, string refreshToken) =>
        await anonymous.SendAsync(WithSecret(HttpMethod.Post, $"/v2/oauth/{clientId}/refresh", secret, new { refreshToken }));

    private HttpClient Bearer(string token) => api.CreateAuthorizedClient(token);

    [Test]
    public async Task OAuthClient_SecretIsShownOnce_AndStoredOnlyAsItsHash()
    {
        var (clientId, secret) = await CreateClientAsync();

        var stored = await api.WithDbAsync(db => db.OAuthClients.SingleAsync(c => c.ClientId == clientId));

        Assert.Multiple(() =>
        {
            Assert.That(secret, Has.Length.GreaterThanOrEqualTo(40));
            Assert.That(stored.Name, Is.EqualTo("Acme Scheduling"));
            Assert.That(stored.SecretHash, Is.EqualTo(Sha256(secret)));
        });
    }

    [Test]
    public async Task CreateManagedUser_Returns201WithCalComShape_AndTokensStoredAsHashes()
    {
        var (clientId, secret) = await CreateClientAsync();
        var now = api.Clock.GetUtcNow();

        var data = await CreateManagedUserAsync(clientId, secret);

        var user = data.GetProperty("user");
        var access = data.GetProperty("accessToken").GetString()!;
        var refresh = data.GetProperty("refreshToken").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(
                data.EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "user", "accessToken", "refreshToken", "accessTokenExpiresAt", "refreshTokenExpiresAt" })
            );
            Assert.That(user.GetProperty("id").GetInt32(), Is.GreaterThan(0));
            Assert.That(user.GetProperty("email").GetString(), Is.EqualTo($"alice+{clientId}@example.com"), "cal.com's managed-user email");
            Assert.That(user.GetProperty("timeZone").GetString(), Is.EqualTo("America/New_York"));
            Assert.That(user.GetProperty("name").GetString(), Is.EqualTo("Alice"));
            Assert.That(
                data.GetProperty("accessTokenExpiresAt").GetInt64(),
                Is.EqualTo(now.AddMinutes(60).ToUnixTimeMilliseconds()),
                "60 minutes, epoch ms"
            );
            Assert.That(data.GetProperty("refreshTokenExpiresAt").GetInt64(), Is.EqualTo(now.AddDays(365).ToUnixTimeMilliseconds()));
            Assert.That(access, Is.Not.EqualTo(refresh));
        });

        var stored = await api.WithDbAsync(db => db.ManagedUserTokens.SingleAsync());
        Assert.That((stored.AccessTokenHash, stored.RefreshTokenHash), Is.EqualTo((Sha256(access), Sha256(refresh))));
    }

    [Test]
    public async Task ManagedUser_SavesAnIcsFeed_WithItsAccessToken()
    {
        var (clientId, secret) = await CreateClientAsync();
        var data = await CreateManagedUserAsync(clientId, secret);
        using var client = Bearer(data.GetProperty("accessToken").GetString()!);

        var response = await client.PostAsync(
            "/v2/calendars/ics-feed/save",
            Json.Body(new { urls = new[] { feeds.AddFeed("m.ics", IcsSamples.Simple("Managed")) } })
        );

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var saved = (await Json.ReadAsync(response)).GetProperty("data");
        Assert.That(saved.GetProperty("userId").GetInt32(), Is.EqualTo(data.GetProperty("user").GetProperty("id").GetInt32()));
        var list = await Json.ReadAsync(await client.GetAsync("/v2/calendars"));
        Assert.That(list.GetProperty("data").GetProperty("connectedCalendars").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Refresh_RotatesThePair_OldRefreshTokenRefused_AndReuseRevokesTheFamily()
    {
        var (clientId, secret) = await CreateClientAsync();
        var first = await CreateManagedUserAsync(clientId, secret);
        var r1 = first.GetProperty("refreshToken").GetString()!;
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        var response = await RefreshAsync(clientId, secret, r1);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var second = (await Json.ReadAsync(response)).GetProperty("data");
        Assert.That(
            second.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "accessToken", "refreshToken", "accessTokenExpiresAt", "refreshTokenExpiresAt" })
        );
        var a2 = second.GetProperty("accessToken").GetString()!;
        var r2 = second.GetProperty("refreshToken").GetString()!;
        Assert.That(a2, Is.Not.EqualTo(first.GetProperty("accessToken").GetString()));
        using (var client2 = Bearer(a2))
        {
            Assert.That((await client2.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the new access token works");
        }

        // The rotated token again: refused, and taken as theft: the family (a2, r2 included) is revoked.
        var reuse = await Json.AssertErrorEnvelopeAsync(await RefreshAsync(clientId, secret, r1), 401, "UnauthorizedException");
        Assert.That(reuse.GetProperty("message").GetString(), Is.EqualTo("Invalid refresh token."));
        await Json.AssertErrorEnvelopeAsync(await RefreshAsync(clientId, secret, r2), 401, "UnauthorizedException");
        using var revoked = Bearer(a2);
        await Json.AssertErrorEnvelopeAsync(await revoked.GetAsync("/v2/calendars"), 401, "UnauthorizedException");
        Assert.That(api.Logs, Has.Some.Contains("token family was revoked"));
        Assert.That(api.Logs, Has.None.Contains(r1).And.None.Contains(r2), "tokens never logged");
    }

    [Test]
    public async Task ExpiredAccessToken_Answers498_AndTheRefreshedTokenWorks()
    {
        var (clientId, secret) = await CreateClientAsync();
        var data = await CreateManagedUserAsync(clientId, secret);
        using var client = Bearer(data.GetProperty("accessToken").GetString()!);
        Assert.That((await client.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "warm in the auth cache");

        api.Clock.Advance(TimeSpan.FromMinutes(60));

        var expired = await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars"), 498, "TokenExpiredException");
        Assert.That(
            expired.GetProperty("message").GetString(),
            Is.EqualTo("ACCESS_TOKEN_IS_EXPIRED"),
            "cal.com's message, which clients match on"
        );
        var refreshResponse = await RefreshAsync(clientId, secret, data.GetProperty("refreshToken").GetString()!);
        Assert.That(refreshResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), await refreshResponse.Content.ReadAsStringAsync());
        var refreshed = (await Json.ReadAsync(refreshResponse)).GetProperty("data");
        using var renewed = Bearer(refreshed.GetProperty("accessToken").GetString()!);
        Assert.That((await renewed.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TokenLifetimes_AreConfigurable()
    {
        await using var custom = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Auth:AccessTokenLifetime"] = "00:05:00",
                ["Auth:RefreshTokenLifetime"] = "2.00:00:00",
            },
            useFakeClock: true
        );
        var (code, stdout, _) = await custom.AdminAsync("oauth-clients", "create", "--name", "Short");
        Assert.That(code, Is.Zero);
        var json = JsonDocument.Parse(stdout).RootElement;
        using var http = custom.CreateAuthorizedClient("unused");
        http.DefaultRequestHeaders.Authorization = null;
        var now = custom.Clock.GetUtcNow();
        var request = WithSecret(
            HttpMethod.Post,
            $"/v2/oauth-clients/{json.GetProperty("clientId").GetString()}/users",
            json.GetProperty("secret").GetString(),
            new { email = "bob@example.com" }
        );

        var data = (await Json.ReadAsync(await http.SendAsync(request))).GetProperty("data");

        Assert.That(data.GetProperty("accessTokenExpiresAt").GetInt64(), Is.EqualTo(now.AddMinutes(5).ToUnixTimeMilliseconds()));
        Assert.That(data.GetProperty("refreshTokenExpiresAt").GetInt64(), Is.EqualTo(now.AddDays(2).ToUnixTimeMilliseconds()));
        custom.Clock.Advance(TimeSpan.FromMinutes(5));
        using var client = custom.CreateAuthorizedClient(data.GetProperty("accessToken").GetString()!);
        await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars"), 498, "TokenExpiredException");
        custom.Clock.Advance(TimeSpan.FromDays(2));
        await Json.AssertErrorEnvelopeAsync(
            await http.SendAsync(
                WithSecret(
                    HttpMethod.Post,
                    $"/v2/oauth/{json.GetProperty("clientId").GetString()}/refresh",
                    json.GetProperty("secret").GetString(),
                    new { refreshToken = data.GetProperty("refreshToken").GetString() }
                )
            ),
            401,
            "UnauthorizedException"
        );
        custom.DeleteData();
    }

    [Test]
    public async Task WrongSecret_MissingSecret_UnknownClient_AndAnotherClientsId_All401_AndNothingIsCreated()
    {
        var (clientId, secret) = await CreateClientAsync("A");
        var (otherId, _) = await CreateClientAsync("B");
        var body = new { email = "eve@example.com" };

        foreach (
            var (path, key) in new[]
            {
                ($"/v2/oauth-clients/{clientId}/users", secret + "x"),
                ($"/v2/oauth-clients/{clientId}/users", (string?)null),
                ("/v2/oauth-clients/cl-unknown/users", secret),
                ($"/v2/oauth-clients/{otherId}/users", secret),
            }
        )
        {
            var error = await Json.AssertErrorEnvelopeAsync(
                await anonymous.SendAsync(WithSecret(HttpMethod.Post, path, key, body)),
                401,
                "UnauthorizedException"
            );
            Assert.That(error.GetProperty("message").GetString(), Does.Not.Contain(secret));
        }

        // Credentials are checked before the body: a bad secret with a bad body is still a 401.
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.SendAsync(
                WithSecret(HttpMethod.Post, $"/v2/oauth-clients/{clientId}/users", "nope", new { email = "not-an-email" })
            ),
            401,
            "UnauthorizedException"
        );
        Assert.That(await api.WithDbAsync(db => db.Users.CountAsync()), Is.Zero);

        // And a refresh token of client A cannot be refreshed through client B, even with B's secret.
        var data = await CreateManagedUserAsync(clientId, secret);
        var (bId, bSecret) = await CreateClientAsync("C");
        await Json.AssertErrorEnvelopeAsync(
            await RefreshAsync(bId, bSecret, data.GetProperty("refreshToken").GetString()!),
            401,
            "UnauthorizedException"
        );
    }

    [Test]
    public async Task CreateManagedUser_BadBody_400_DuplicateEmail_409_AndNoPartialData()
    {
        var (clientId, secret) = await CreateClientAsync();
        var path = $"/v2/oauth-clients/{clientId}/users";

        var bad = await Json.AssertErrorEnvelopeAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Post, path, secret, new { email = "nope", timeZone = "Mars/Olympus" })),
            400,
            "BadRequestException"
        );
        Assert.That(Json.ErrorFields(bad), Is.EquivalentTo(new[] { "email", "timeZone" }));

        await CreateManagedUserAsync(clientId, secret, "dup@example.com");
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Post, path, secret, new { email = "dup@example.com" })),
            409,
            "ConflictException"
        );

        Assert.That(await api.WithDbAsync(db => db.Users.CountAsync()), Is.EqualTo(1));
        Assert.That(await api.WithDbAsync(db => db.ManagedUserTokens.CountAsync()), Is.EqualTo(1));
    }

    [Test]
    public async Task AccessToken_CannotRefreshAnApiKey_401AsInCalCom()
    {
        var (clientId, secret) = await CreateClientAsync();
        var data = await CreateManagedUserAsync(clientId, secret);
        using var client = Bearer(data.GetProperty("accessToken").GetString()!);

        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/api-keys/refresh", Json.Body(new { })),
            401,
            "UnauthorizedException"
        ); // cal.com's status
        Assert.That(await api.WithDbAsync(db => db.ApiKeys.CountAsync()), Is.Zero);
    }

    [Test]
    public async Task CreatedDate_AlwaysHasThreeFractionDigits_AsJavaScriptWritesDates()
    {
        var (clientId, secret) = await CreateClientAsync();
        var now = api.Clock.GetUtcNow();
        api.Clock.Advance(TimeSpan.FromMilliseconds(1980 - now.Millisecond)); // a millisecond ending in zero: .980

        var created = await CreateManagedUserAsync(clientId, secret, "dates@example.com");

        Assert.That(
            created.GetProperty("user").GetProperty("createdDate").GetString(),
            Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.980Z$"),
            "not .98Z (a serializer that trims zeros)"
        );
    }

    [Test]
    public async Task ManagedUsers_AreListedAndReadByTheirClientOnly()
    {
        var (clientId, secret) = await CreateClientAsync("A");
        var (otherId, otherSecret) = await CreateClientAsync("B");
        var first = await CreateManagedUserAsync(clientId, secret, "one@example.com");
        await CreateManagedUserAsync(clientId, secret, "two@example.com");
        await CreateManagedUserAsync(otherId, otherSecret, "three@example.com");
        var firstId = first.GetProperty("user").GetProperty("id").GetInt32();

        var list = await Json.ReadAsync(
            await anonymous.SendAsync(
                WithSecret(HttpMethod.Get, $"/v2/oauth-clients/{clientId}/users?clientId={clientId}", secret, new { })
            )
        );
        var emails = list.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("email").GetString()).ToList();
        Assert.That(
            emails,
            Is.EqualTo(new[] { $"one+{clientId}@example.com", $"two+{clientId}@example.com" }),
            "only this client's users, oldest first"
        );
        var page = await Json.ReadAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Get, $"/v2/oauth-clients/{clientId}/users?limit=1&offset=1", secret, new { }))
        );
        Assert.That(page.GetProperty("data").GetArrayLength(), Is.EqualTo(1));
        Assert.That(page.GetProperty("data")[0].GetProperty("email").GetString(), Does.StartWith("two+"));
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Get, $"/v2/oauth-clients/{clientId}/users?limit=0", secret, new { })),
            400,
            "BadRequestException"
        );

        var one = await Json.ReadAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Get, $"/v2/oauth-clients/{clientId}/users/{firstId}", secret, new { }))
        );
        Assert.That(one.GetProperty("data").GetProperty("email").GetString(), Is.EqualTo($"one+{clientId}@example.com"));
        Assert.That(
            one.GetProperty("data").GetProperty("createdDate").GetString(),
            Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"),
            "as cal.com writes dates"
        );
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Get, $"/v2/oauth-clients/{otherId}/users/{firstId}", otherSecret, new { })),
            404,
            "NotFoundException"
        );
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.SendAsync(WithSecret(HttpMethod.Get, $"/v2/oauth-clients/{clientId}/users", "wrong", new { })),
            401,
            "UnauthorizedException"
        );
    }

    [Test]
    public async Task AdminCommand_OAuthClientsCreate_WithoutName_IsUsageError()
    {
        var (code, stdout, stderr) = await api.AdminAsync("oauth-clients", "create");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("--name is required"));
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
