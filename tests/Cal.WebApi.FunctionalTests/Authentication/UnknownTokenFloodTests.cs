using System.Net;
using Cal.Application.Common.Interfaces;
using Cal.Domain.ApiKeys;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.WebApi.FunctionalTests.Authentication;

/// <summary>
/// Issue #28.6: made-up tokens cannot be turned into database work. A token that matched nothing is remembered (by its
/// hash) for a while, and each client address may cause at most <c>RateLimiting:UnknownTokenPermitLimit</c> lookups per
/// window, counted before the lookup: 10,000 distinct bad keys from one address cost at most that many.
/// </summary>
public sealed class UnknownTokenFloodTests
{
    private CalApiFactory api = null!;
    private CountingApiKeys lookups = null!;

    [SetUp]
    public void SetUp()
    {
        lookups = new CountingApiKeys();
        // A clock that does not move: the flood stays inside one rate-limit window.
        api = new CalApiFactory(
            useFakeClock: true,
            overrides: new Dictionary<string, string?>
            {
                ["RateLimiting:UnknownTokenPermitLimit"] = "50",
                ["RateLimiting:PermitLimit"] = "100000",
            },
            configureServices: services =>
            {
                var real = services.Single(d => d.ServiceType == typeof(IApiKeyRepository));
                services.Remove(real);
                services.AddScoped<IApiKeyRepository>(sp =>
                    lookups.Wrap((IApiKeyRepository)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!))
                );
            }
        );
    }

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
    }

    [Test]
    public async Task TenThousandDistinctBadKeys_FromOneAddress_CostAtMostTheLimitsLookups()
    {
        var (_, goodKey) = await api.CreateUserWithKeyAsync();
        using var good = api.CreateAuthorizedClient(goodKey);
        Assert.That((await good.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a real key, validated once");
        var before = lookups.Count;

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var flood = api.CreateClient();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, 10_000),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, token) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                    "Bearer",
                    $"cal_{Guid.NewGuid():N}{i:D8}"
                );
                using var response = await flood.SendAsync(request, token);
                statuses.Add(response.StatusCode);
            }
        );

        var flooded = lookups.Count - before;
        Assert.That(
            lookups.Count,
            Is.LessThanOrEqualTo(50),
            "the address's lookups (the real key's first one included), counted before each one"
        );
        Assert.That(statuses.Count(s => s == HttpStatusCode.Unauthorized), Is.EqualTo(flooded), "a bad key looked up is a 401");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(10_000 - flooded), "the rest: 429, no lookup");
        Assert.That(
            (await good.GetAsync("/v2/calendars")).StatusCode,
            Is.EqualTo(HttpStatusCode.OK),
            "a warm key from the same address still answers"
        );
    }

    [Test]
    public async Task TheSameBadKeyRepeated_CostsOneLookup()
    {
        using var client = api.CreateAuthorizedClient("cal_" + new string('x', 40));

        for (var i = 0; i < 20; i++)
        {
            Assert.That((await client.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        Assert.That(lookups.Count, Is.EqualTo(1), "remembered as matching nothing (Auth:InvalidTokenCacheDuration)");
    }

    /// <summary>Counts the API-key lookups by hash the host makes (the database work a token costs).</summary>
    private sealed class CountingApiKeys
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public IApiKeyRepository Wrap(IApiKeyRepository inner) => new Counted(inner, this);

        private sealed class Counted(IApiKeyRepository inner, CountingApiKeys owner) : IApiKeyRepository
        {
            public Task<ApiKey?> FindByHashAsync(string hashedKey, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner.count);
                return inner.FindByHashAsync(hashedKey, cancellationToken);
            }

            public Task AddAsync(ApiKey apiKey, CancellationToken cancellationToken) => inner.AddAsync(apiKey, cancellationToken);

            public Task<IReadOnlyList<int>> RevokeAllForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken) =>
                inner.RevokeAllForUserAsync(userId, now, cancellationToken);

            public Task<bool> ReplaceAsync(
                int userId,
                int currentApiKeyId,
                ApiKey replacement,
                DateTimeOffset now,
                DateTimeOffset revokeCurrentAt,
                CancellationToken cancellationToken
            ) => inner.ReplaceAsync(userId, currentApiKeyId, replacement, now, revokeCurrentAt, cancellationToken);
        }
    }
}
