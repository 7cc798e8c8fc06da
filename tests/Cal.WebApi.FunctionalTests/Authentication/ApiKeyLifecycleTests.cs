using System.Net;
using System.Text.Json;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Authentication;

/// <summary><c>POST /v2/api-keys/refresh</c> and <c>api-keys revoke</c>, through the real host and database.</summary>
public sealed class ApiKeyLifecycleTests
{
    private CalApiFactory api = null!;

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
    }

    private async Task<string> RefreshAsync(HttpClient client, object? body = null)
    {
        var response = await client.PostAsync("/v2/api-keys/refresh", Json.Body(body ?? new { }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var json = await Json.ReadAsync(response);
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
        return json.GetProperty("data").GetProperty("apiKey").GetString()!;
    }

    private HttpClient ClientWith(string key) => api.CreateAuthorizedClient(key);

    [Test]
    public async Task Refresh_IssuesANewKey_AndTheOldOneStopsWorking()
    {
        api = new CalApiFactory();
        var (_, oldKey) = await api.CreateUserWithKeyAsync();
        using var oldClient = ClientWith(oldKey);

        var newKey = await RefreshAsync(oldClient);

        Assert.That(newKey, Does.Match("^cal_[0-9a-f]{32}$").And.Not.EqualTo(oldKey));
        using var newClient = ClientWith(newKey);
        Assert.That((await newClient.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Json.AssertErrorEnvelopeAsync(await oldClient.GetAsync("/v2/calendars"), 401, "UnauthorizedException");
    }

    [Test]
    public async Task RefreshedKey_ExpiresAfterApiKeyDaysValid_OrNeverWhenAsked()
    {
        api = new CalApiFactory(useFakeClock: true);
        var (userId, key) = await api.CreateUserWithKeyAsync();
        using var client = ClientWith(key);
        var shortLived = await RefreshAsync(client, new { apiKeyDaysValid = 1 });
        using var shortClient = ClientWith(shortLived);
        var forever = await RefreshAsync(shortClient, new { apiKeyNeverExpires = true });

        api.Clock.Advance(TimeSpan.FromDays(400));

        using var foreverClient = ClientWith(forever);
        Assert.That((await foreverClient.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var expiries = await api.WithDbAsync(db =>
            db.ApiKeys.Where(k => k.UserId == userId).OrderBy(k => k.Id).Select(k => k.ExpiresAt).ToListAsync()
        );
        Assert.That(expiries[1], Is.Not.Null, "apiKeyDaysValid gives an expiry");
        Assert.That(expiries[2], Is.Null, "apiKeyNeverExpires gives none");
    }

    [Test]
    public async Task GracePeriod_KeepsTheOldKeyWorkingUntilItEnds()
    {
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["ApiKeys:RefreshGracePeriod"] = "00:10:00" },
            useFakeClock: true
        );
        var (_, oldKey) = await api.CreateUserWithKeyAsync();
        using var oldClient = ClientWith(oldKey);
        await RefreshAsync(oldClient);

        api.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.That((await oldClient.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "inside the grace period");
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        await Json.AssertErrorEnvelopeAsync(await oldClient.GetAsync("/v2/calendars"), 401, "UnauthorizedException");
    }

    [Test]
    public async Task ARevokedKey_StillInTheAuthenticationCache_CannotMintANewOne()
    {
        api = new CalApiFactory();
        var (userId, key) = await api.CreateUserWithKeyAsync(email: "mallory@example.com");
        using var client = ClientWith(key);
        Assert.That(
            (await client.GetAsync("/v2/calendars")).StatusCode,
            Is.EqualTo(HttpStatusCode.OK),
            "validated, and now cached for Auth:CacheDuration"
        );
        await api.AdminAsync("api-keys", "revoke", "--email", "mallory@example.com");

        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/api-keys/refresh", Json.Body(new { })),
            401,
            "UnauthorizedException"
        );

        Assert.That(await api.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.UserId == userId)), Is.EqualTo(1), "no key was added");
    }

    [Test]
    public async Task AKeyInItsGracePeriod_CannotBeRefreshedAgain()
    {
        api = new CalApiFactory(overrides: new Dictionary<string, string?> { ["ApiKeys:RefreshGracePeriod"] = "00:10:00" });
        var (userId, key) = await api.CreateUserWithKeyAsync();
        using var client = ClientWith(key);
        await RefreshAsync(client);

        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/api-keys/refresh", Json.Body(new { })),
            401,
            "UnauthorizedException"
        );
        Assert.That(await api.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.UserId == userId)), Is.EqualTo(2), "one refresh, one new key");
    }

    [Test]
    public async Task AdminRevoke_PullsAScheduledGracePeriodRevocationForward()
    {
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["ApiKeys:RefreshGracePeriod"] = "00:10:00" },
            useFakeClock: true
        );
        var (userId, oldKey) = await api.CreateUserWithKeyAsync(email: "grace@example.com");
        using var oldClient = ClientWith(oldKey);
        await RefreshAsync(oldClient);

        var (code, stdout, _) = await api.AdminAsync("api-keys", "revoke", "--email", "grace@example.com");
        Assert.That(code, Is.Zero);
        var ids = await api.WithDbAsync(db => db.ApiKeys.Where(k => k.UserId == userId).OrderBy(k => k.Id).Select(k => k.Id).ToListAsync());
        Assert.That(
            stdout.Trim(),
            Is.EqualTo(JsonSerializer.Serialize(new { revokedApiKeyIds = ids })),
            "the key in its grace period is revoked too"
        );

        api.Clock.Advance(TimeSpan.FromMinutes(1)); // past Auth:CacheDuration (30 s), well inside the 10-minute grace period
        await Json.AssertErrorEnvelopeAsync(await oldClient.GetAsync("/v2/calendars"), 401, "UnauthorizedException");
    }

    [Test]
    public async Task Refresh_WithBadValidity_Returns400()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = ClientWith(key);

        var error = await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync("/v2/api-keys/refresh", Json.Body(new { apiKeyDaysValid = 0 })),
            400,
            "BadRequestException"
        );

        Assert.That(Json.ErrorFields(error), Is.EqualTo(new[] { "apiKeyDaysValid" }));
        Assert.That(
            (await client.GetAsync("/v2/calendars")).StatusCode,
            Is.EqualTo(HttpStatusCode.OK),
            "a refused refresh revokes nothing"
        );
    }

    [Test]
    public async Task AdminRevoke_PrintsTheRevokedIds_AndEveryKeyOfTheUserStopsWorking()
    {
        api = new CalApiFactory();
        var (userId, first) = await api.CreateUserWithKeyAsync(email: "erin@example.com");
        var (_, second, _) = await api.AdminAsync("api-keys", "create", "--email", "erin@example.com");
        var ids = await api.WithDbAsync(db => db.ApiKeys.Where(k => k.UserId == userId).OrderBy(k => k.Id).Select(k => k.Id).ToListAsync());

        var (code, stdout, _) = await api.AdminAsync("api-keys", "revoke", "--email", "erin@example.com");

        Assert.That(code, Is.Zero);
        Assert.That(stdout.Trim(), Is.EqualTo(JsonSerializer.Serialize(new { revokedApiKeyIds = ids })));
        foreach (var key in new[] { first, second.Trim() })
        {
            using var client = ClientWith(key);
            await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/calendars"), 401, "UnauthorizedException");
        }

        var (missingCode, _, missingErr) = await api.AdminAsync("api-keys", "revoke", "--email", "nobody@example.com");
        Assert.That(missingCode, Is.EqualTo(1));
        Assert.That(missingErr, Does.Contain("nobody@example.com"));
    }
}
