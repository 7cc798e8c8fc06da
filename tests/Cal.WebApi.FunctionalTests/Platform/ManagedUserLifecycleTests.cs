using System.Net;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Platform;

/// <summary>
/// A managed user's whole life (#20): update (cal.com's email convention, conflicts), delete with everything theirs
/// (tokens refused at once, nothing left behind, not even by a save racing the delete), force-refresh; another client's
/// user is not found for any of them.
/// </summary>
public sealed class ManagedUserLifecycleTests
{
    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient platform = null!;
    private string clientId = null!;
    private string secret = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" }
        );
        (clientId, secret) = await CreateClientAsync("Acme");
        platform = ClientFor(secret);
    }

    [TearDown]
    public async Task TearDown()
    {
        platform.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task<(string ClientId, string Secret)> CreateClientAsync(string name)
    {
        var (code, stdout, stderr) = await api.AdminAsync("oauth-clients", "create", "--name", name);
        Assert.That(code, Is.Zero, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        return (json.GetProperty("clientId").GetString()!, json.GetProperty("secret").GetString()!);
    }

    private HttpClient ClientFor(string clientSecret)
    {
        var http = api.CreateClient();
        http.DefaultRequestHeaders.Add("x-cal-secret-key", clientSecret);
        return http;
    }

    private async Task<(int Id, string Access, string Refresh)> CreateUserAsync(string email)
    {
        var response = await platform.PostAsync(
            $"/v2/oauth-clients/{clientId}/users",
            Json.Body(
                new
                {
                    email,
                    timeZone = "America/New_York",
                    name = "Alice",
                }
            )
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var data = (await Json.ReadAsync(response)).GetProperty("data");
        return (
            data.GetProperty("user").GetProperty("id").GetInt32(),
            data.GetProperty("accessToken").GetString()!,
            data.GetProperty("refreshToken").GetString()!
        );
    }

    private async Task<HttpStatusCode> CalendarsWithAsync(string accessToken)
    {
        using var bearer = api.CreateAuthorizedClient(accessToken);
        return (await bearer.GetAsync("/v2/calendars")).StatusCode;
    }

    [Test]
    public async Task Patch_ChangesWhatIsGiven_KeepsCalComsEmailForm_AndAClashIs409NamingTheHolder()
    {
        var (id, access, _) = await CreateUserAsync("alice@example.com");
        var (otherId, _, _) = await CreateUserAsync("bob@example.com");
        Assert.That(
            await CalendarsWithAsync(access),
            Is.EqualTo(HttpStatusCode.OK),
            "the token is validated (and cached) before the change"
        );

        var patched = await platform.PatchAsync(
            $"/v2/oauth-clients/{clientId}/users/{id}",
            Json.Body(new { email = "alice.new@example.com", timeZone = "Asia/Tokyo" })
        );
        var data = (await Json.ReadAsync(patched)).GetProperty("data");
        var read = (await Json.ReadAsync(await platform.GetAsync($"/v2/oauth-clients/{clientId}/users/{id}"))).GetProperty("data");
        var echoed = await platform.PatchAsync(
            $"/v2/oauth-clients/{clientId}/users/{id}",
            Json.Body(new { email = $"alice.new+{clientId}@example.com" })
        );
        var clash = await platform.PatchAsync($"/v2/oauth-clients/{clientId}/users/{id}", Json.Body(new { email = "bob@example.com" }));
        var badZone = await platform.PatchAsync($"/v2/oauth-clients/{clientId}/users/{id}", Json.Body(new { timeZone = "Mars/Olympus" }));

        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            (data.GetProperty("email").GetString(), data.GetProperty("timeZone").GetString(), data.GetProperty("name").GetString()),
            Is.EqualTo(($"alice.new+{clientId}@example.com", "Asia/Tokyo", "Alice")),
            "name, not given, stays"
        );
        Assert.That(read.GetProperty("timeZone").GetString(), Is.EqualTo("Asia/Tokyo"));
        Assert.That(
            (await Json.ReadAsync(echoed)).GetProperty("data").GetProperty("email").GetString(),
            Is.EqualTo($"alice.new+{clientId}@example.com"),
            "an email sent back as Cal returned it is not suffixed twice"
        );
        var conflict = await Json.AssertErrorEnvelopeAsync(clash, 409, "ConflictException");
        Assert.That(conflict.GetProperty("message").GetString(), Does.Contain($"Existing user ID={otherId}"));
        await Json.AssertErrorEnvelopeAsync(badZone, 400, "BadRequestException");
        Assert.That(await CalendarsWithAsync(access), Is.EqualTo(HttpStatusCode.OK), "the token still works");
    }

    [Test]
    public async Task Delete_RemovesTheUserAndEverythingTheirs_TheirTokensAreRefusedAtOnce_AndASecondDeleteIs404()
    {
        var (id, access, refresh) = await CreateUserAsync("alice@example.com");
        using (var bearer = api.CreateAuthorizedClient(access))
        {
            var saved = await bearer.PostAsync(
                "/v2/calendars/ics-feed/save",
                Json.Body(new { urls = new[] { feeds.AddFeed("alice", IcsSamples.Simple()) } })
            );
            Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        Assert.That(await CalendarsWithAsync(access), Is.EqualTo(HttpStatusCode.OK), "validated and cached before the delete");

        var deleted = await platform.DeleteAsync($"/v2/oauth-clients/{clientId}/users/{id}");
        var body = (await Json.ReadAsync(deleted)).GetProperty("data");

        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("id").GetInt32(), Is.EqualTo(id));
        Assert.That(await CalendarsWithAsync(access), Is.EqualTo(HttpStatusCode.Unauthorized), "refused at once, though it was cached");
        var refreshed = await platform.PostAsync($"/v2/oauth/{clientId}/refresh", Json.Body(new { refreshToken = refresh }));
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var left = await api.WithDbAsync(async db =>
            (
                await db.Users.CountAsync(u => u.Id == id),
                await db.Credentials.CountAsync(c => c.UserId == id),
                await db.ManagedUserTokens.CountAsync(t => t.UserId == id)
            )
        );
        Assert.That(left, Is.EqualTo((0, 0, 0)));
        await Json.AssertErrorEnvelopeAsync(
            await platform.DeleteAsync($"/v2/oauth-clients/{clientId}/users/{id}"),
            404,
            "NotFoundException"
        );
    }

    [Test]
    public async Task ADeleteRacingASave_LeavesNoOrphanCredential()
    {
        for (var round = 0; round < 5; round++)
        {
            var (id, access, _) = await CreateUserAsync($"racer{round}@example.com");
            using var bearer = api.CreateAuthorizedClient(access);
            var slow = feeds.AddFeed($"slow{round}", IcsSamples.Simple(), delayMs: 100 + (round * 60));
            var save = bearer.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { slow } }));
            await Task.Delay(150);

            var deleted = await platform.DeleteAsync($"/v2/oauth-clients/{clientId}/users/{id}");
            var saved = await save;

            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(
                saved.StatusCode,
                Is.AnyOf(HttpStatusCode.Created, HttpStatusCode.Unauthorized),
                await saved.Content.ReadAsStringAsync()
            );
            Assert.That(
                await api.WithDbAsync(db => db.Credentials.CountAsync(c => c.UserId == id)),
                Is.Zero,
                $"round {round}: no credential outlives its user"
            );
        }
    }

    [Test]
    public async Task ForceRefresh_IssuesANewPairWithoutTheRefreshToken_AndRevokesEveryEarlierOne()
    {
        var (id, access, refresh) = await CreateUserAsync("alice@example.com");
        Assert.That(await CalendarsWithAsync(access), Is.EqualTo(HttpStatusCode.OK));

        var forced = await platform.PostAsync($"/v2/oauth-clients/{clientId}/users/{id}/force-refresh", null);
        var pair = (await Json.ReadAsync(forced)).GetProperty("data");

        Assert.That(forced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            pair.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "accessToken", "refreshToken", "accessTokenExpiresAt", "refreshTokenExpiresAt" })
        );
        Assert.That(
            await CalendarsWithAsync(pair.GetProperty("accessToken").GetString()!),
            Is.EqualTo(HttpStatusCode.OK),
            "the new access token works"
        );
        Assert.That(await CalendarsWithAsync(access), Is.EqualTo(HttpStatusCode.Unauthorized), "the old one is refused at once");
        var oldRefresh = await platform.PostAsync($"/v2/oauth/{clientId}/refresh", Json.Body(new { refreshToken = refresh }));
        var newRefresh = await platform.PostAsync(
            $"/v2/oauth/{clientId}/refresh",
            Json.Body(new { refreshToken = pair.GetProperty("refreshToken").GetString() })
        );
        Assert.That((oldRefresh.StatusCode, newRefresh.StatusCode), Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.OK)));
    }

    [Test]
    public async Task AnotherClientsUser_IsNotFound_ForPatchDeleteAndForceRefresh()
    {
        var (id, access, _) = await CreateUserAsync("alice@example.com");
        var (otherId, otherSecret) = await CreateClientAsync("Other");
        using var other = ClientFor(otherSecret);

        await Json.AssertErrorEnvelopeAsync(
            await other.PatchAsync($"/v2/oauth-clients/{otherId}/users/{id}", Json.Body(new { name = "Mallory" })),
            404,
            "NotFoundException"
        );
        await Json.AssertErrorEnvelopeAsync(await other.DeleteAsync($"/v2/oauth-clients/{otherId}/users/{id}"), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(
            await other.PostAsync($"/v2/oauth-clients/{otherId}/users/{id}/force-refresh", null),
            404,
            "NotFoundException"
        );
        await Json.AssertErrorEnvelopeAsync(
            await other.DeleteAsync($"/v2/oauth-clients/{clientId}/users/{id}"),
            401,
            "UnauthorizedException"
        );

        Assert.That(await CalendarsWithAsync(access), Is.EqualTo(HttpStatusCode.OK), "the user is untouched");
        var name = (await Json.ReadAsync(await platform.GetAsync($"/v2/oauth-clients/{clientId}/users/{id}")))
            .GetProperty("data")
            .GetProperty("name")
            .GetString();
        Assert.That(name, Is.EqualTo("Alice"));
    }
}
