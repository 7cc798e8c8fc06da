using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Authentication;

public sealed class ApiKeyAuthenticationTests
{
    private const string SavePath = "/v2/calendars/ics-feed/save";

    private CalApiFactory api = null!;

    [SetUp]
    public void SetUp() => api = new CalApiFactory(useFakeClock: true);

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
    }

    [TestCase(null)]
    [TestCase("Basic dXNlcjpwYXNz")]
    [TestCase("Bearer")]
    [TestCase("Bearer cal_0123456789abcdef0123456789abcdef")]
    [TestCase("Bearer not-a-cal-key-at-all-but-long")]
    public async Task Save_WithoutAValidKey_Returns401Envelope(string? authorization)
    {
        using var client = api.CreateAuthorizedClient("placeholder");
        client.DefaultRequestHeaders.Authorization = null;
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.PostAsync(SavePath, Json.Body("""{"urls":["http://127.0.0.1:9/a.ics"]}"""));

        await Json.AssertErrorEnvelopeAsync(response, 401, "UnauthorizedException");
        Assert.That(await api.CredentialCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Save_WithExpiredKey_Returns401_SameMessageAsUnknownKey()
    {
        var (_, key) = await api.CreateUserWithKeyAsync(expiresInDays: 1);
        using var client = api.CreateAuthorizedClient(key);
        var beforeExpiry = await client.PostAsync(SavePath, Json.Body("{}"));
        Assert.That(beforeExpiry.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the key works before it expires");

        api.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var expired = await Json.AssertErrorEnvelopeAsync(await client.PostAsync(SavePath, Json.Body("{}")), 401, "UnauthorizedException");

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cal_" + new string('0', 32));
        var unknown = await Json.AssertErrorEnvelopeAsync(await client.PostAsync(SavePath, Json.Body("{}")), 401, "UnauthorizedException");
        Assert.That(expired.GetProperty("message").GetString(), Is.EqualTo(unknown.GetProperty("message").GetString()));
    }

    [Test]
    public async Task KeyRevokedElsewhere_StopsWorking_WithinTheAuthCacheDuration()
    {
        var (userId, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        Assert.That((await client.PostAsync(SavePath, Json.Body("{}"))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        // Revoked by another process (the admin command, another instance): this one trusts its cached
        // validation for at most Auth:CacheDuration (default 30 s), then asks the database again.
        await api.WithDbAsync(async db =>
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.UserId == userId);
            stored.Revoke(api.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });

        api.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.That((await client.PostAsync(SavePath, Json.Body("{}"))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "still cached");
        api.Clock.Advance(TimeSpan.FromSeconds(2));
        await Json.AssertErrorEnvelopeAsync(await client.PostAsync(SavePath, Json.Body("{}")), 401, "UnauthorizedException");
    }

    [Test]
    public async Task KeyRevokedElsewhere_StopsWorkingAtOnce_WhenTheCacheIsOff()
    {
        await using var uncached = new CalApiFactory(overrides: new Dictionary<string, string?> { ["Auth:CacheDuration"] = "00:00:00" });
        var (userId, key) = await uncached.CreateUserWithKeyAsync();
        using var client = uncached.CreateAuthorizedClient(key);
        Assert.That((await client.PostAsync(SavePath, Json.Body("{}"))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        await uncached.AdminAsync(
            "api-keys",
            "revoke",
            "--email",
            await uncached.WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync())
        );

        await Json.AssertErrorEnvelopeAsync(await client.PostAsync(SavePath, Json.Body("{}")), 401, "UnauthorizedException");
        uncached.DeleteData();
    }

    [Test]
    public async Task ApiKey_IsStoredOnlyAsItsSha256Hash()
    {
        var (userId, key) = await api.CreateUserWithKeyAsync();

        var stored = await api.WithDbAsync(db => db.ApiKeys.Where(k => k.UserId == userId).Select(k => k.HashedKey).SingleAsync());
        Assert.That(stored, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))));

        await api.DisposeAsync(); // flush SQLite's WAL into the file before reading its bytes
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = api.DatabaseFilesText();
        Assert.That(bytes, Does.Not.Contain(key[4..]));
    }
}
