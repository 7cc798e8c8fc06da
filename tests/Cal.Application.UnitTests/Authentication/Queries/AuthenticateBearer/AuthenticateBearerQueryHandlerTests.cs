using Cal.Application.Authentication;
using Cal.Application.Authentication.Queries.AuthenticateBearer;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.ApiKeys;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.Authentication.Queries.AuthenticateBearer;

public sealed class AuthenticateBearerQueryHandlerTests
{
    private const string Key = "cal_0123456789abcdef0123456789abcdef";
    private const string AccessToken = "calat_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private FakeTimeProvider clock = null!;
    private Mock<IApiKeyRepository> apiKeys = null!;
    private Mock<IManagedUserTokenRepository> tokens = null!;
    private Mock<IUserRepository> users = null!;
    private DictionaryCache cache = null!;

    [SetUp]
    public void SetUp()
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        apiKeys = new Mock<IApiKeyRepository>();
        tokens = new Mock<IManagedUserTokenRepository>();
        users = new Mock<IUserRepository>();
        users
            .Setup(u => u.FindByIdAsync(7, It.IsAny<CancellationToken>()))
            .ReturnsAsync(User.Create("ann@example.com", "Europe/Paris", null, clock.GetUtcNow()).WithId(7));
        cache = new DictionaryCache();
    }

    private AuthenticatedBearerCache Warm()
    {
        var hasher = new Mock<IApiKeyGenerator>();
        hasher.Setup(h => h.Hash(It.IsAny<string>())).Returns<string>(s => "k:" + s);
        var secrets = new Mock<IPlatformSecrets>();
        secrets.Setup(h => h.Hash(It.IsAny<string>())).Returns<string>(s => "t:" + s);
        return new AuthenticatedBearerCache(hasher.Object, secrets.Object, cache, clock);
    }

    private AuthenticateBearerQueryHandler Handler(TimeSpan? cacheDuration = null, AuthenticatedBearerCache? warm = null) =>
        new(
            apiKeys.Object,
            tokens.Object,
            users.Object,
            warm ?? Warm(),
            cache,
            clock,
            Options.Create(new AuthOptions { CacheDuration = cacheDuration ?? TimeSpan.FromSeconds(30) })
        );

    private Task<BearerAuthentication> Authenticate(string token, TimeSpan? cacheDuration = null) =>
        Handler(cacheDuration).Handle(new AuthenticateBearerQuery(token), CancellationToken.None).AsTask();

    private void GivenKey(DateTimeOffset? expiresAt = null) =>
        apiKeys
            .Setup(k => k.FindByHashAsync("k:" + Key, It.IsAny<CancellationToken>()))
            .ReturnsAsync(ApiKey.Issue(7, "k:" + Key, clock.GetUtcNow(), expiresAt).WithId(3));

    private ManagedUserTokens GivenAccessToken()
    {
        var pair = ManagedUserTokens
            .Issue("fam", 7, 1, "t:" + AccessToken, "t:refresh", clock.GetUtcNow(), TimeSpan.FromMinutes(60), TimeSpan.FromDays(365))
            .WithId(11);
        tokens.Setup(t => t.FindByAccessTokenHashAsync("t:" + AccessToken, It.IsAny<CancellationToken>())).ReturnsAsync(pair);
        return pair;
    }

    [Test]
    public async Task ApiKey_Authenticates_AndAWarmKeyCostsNoDatabaseRoundTrip()
    {
        GivenKey();

        var first = await Authenticate(Key);
        clock.Advance(TimeSpan.FromSeconds(29));
        var second = await Authenticate(Key);

        Assert.That(first.Status, Is.EqualTo(BearerStatus.Authenticated));
        Assert.That(second.Caller, Is.EqualTo(new AuthenticatedCaller(7, "ann@example.com", "Europe/Paris", 3, null)));
        apiKeys.Verify(k => k.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        users.Verify(u => u.FindByIdAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task WarmBearers_AnswerWhatTheCacheAndTheShapeSay_AndNothingElse()
    {
        // What the host asks before it sends the query: no repository is ever touched here.
        GivenKey();
        GivenAccessToken();
        var warm = Warm();

        Assert.That(warm.Find(Key), Is.Null, "cold: only the query can tell");
        Assert.That(warm.Find("cal_short")?.Status, Is.EqualTo(BearerStatus.Invalid), "malformed: invalid without a lookup");

        await Authenticate(Key);
        await Authenticate(AccessToken);
        apiKeys.Invocations.Clear();
        tokens.Invocations.Clear();
        users.Invocations.Clear();

        Assert.That(warm.Find(Key)?.Caller, Is.EqualTo(new AuthenticatedCaller(7, "ann@example.com", "Europe/Paris", 3, null)));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.That(warm.Find(Key), Is.Null, "past the cache duration: back to the query");
        Assert.That(warm.Find(AccessToken), Is.Null);
        apiKeys.VerifyNoOtherCalls();
        tokens.VerifyNoOtherCalls();
        users.VerifyNoOtherCalls();
    }

    [Test]
    public async Task WarmBearers_SayExpired_ForACachedAccessTokenPastItsExpiry()
    {
        GivenAccessToken();
        await Authenticate(AccessToken, TimeSpan.FromHours(2));

        clock.Advance(TimeSpan.FromMinutes(60));

        Assert.That(Warm().Find(AccessToken)?.Status, Is.EqualTo(BearerStatus.Expired));
    }

    [Test]
    public async Task ConcurrentColdRequestsWithOneToken_ShareOneLookup_ButNotAcrossARevocation()
    {
        // One AuthenticatedBearerCache per process (a singleton), one handler per request.
        var warm = Warm();
        var release = new TaskCompletionSource();
        apiKeys
            .Setup(k => k.FindByHashAsync("k:" + Key, It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await release.Task;
                return ApiKey.Issue(7, "k:" + Key, clock.GetUtcNow(), null).WithId(3);
            });

        var concurrent = Enumerable
            .Range(0, 10)
            .Select(_ => Handler(warm: warm).Handle(new AuthenticateBearerQuery(Key), CancellationToken.None).AsTask())
            .ToList();
        await cache.InvalidateAsync(AuthenticatedCaller.ApiKeyPartition(99)); // any revocation moves the generation
        var afterRevocation = Handler(warm: warm).Handle(new AuthenticateBearerQuery(Key), CancellationToken.None).AsTask();
        release.SetResult();

        Assert.That((await Task.WhenAll(concurrent)).Select(r => r.Status), Is.All.EqualTo(BearerStatus.Authenticated));
        Assert.That((await afterRevocation).Status, Is.EqualTo(BearerStatus.Authenticated));
        apiKeys.Verify(
            k => k.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()),
            Times.Exactly(2),
            "one lookup for the ten, one after the revocation: not eleven"
        );
    }

    [Test]
    public async Task CachedValidation_EndsAfterCacheDuration_SoARevocationElsewhereIsSeen()
    {
        GivenKey();
        await Authenticate(Key);
        apiKeys.Setup(k => k.FindByHashAsync("k:" + Key, It.IsAny<CancellationToken>())).ReturnsAsync((ApiKey?)null);

        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.That((await Authenticate(Key)).Status, Is.EqualTo(BearerStatus.Invalid));
    }

    [Test]
    public async Task CachedValidation_NeverOutlivesTheKeysExpiry()
    {
        GivenKey(expiresAt: clock.GetUtcNow().AddSeconds(5));
        await Authenticate(Key);

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.That((await Authenticate(Key)).Status, Is.EqualTo(BearerStatus.Invalid));
    }

    [Test]
    public async Task CacheDurationZero_AsksTheDatabaseEveryTime()
    {
        GivenKey();

        await Authenticate(Key, TimeSpan.Zero);
        await Authenticate(Key, TimeSpan.Zero);

        apiKeys.Verify(k => k.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.That(cache.Count, Is.Zero);
    }

    [TestCase("")]
    [TestCase("cal_short")]
    [TestCase("Basic-or-anything-else-that-is-long")]
    [TestCase("calrt_a-refresh-token-is-not-an-access-token")]
    public async Task MalformedTokens_AreInvalid_WithoutALookup(string token)
    {
        Assert.That((await Authenticate(token)).Status, Is.EqualTo(BearerStatus.Invalid));
        apiKeys.VerifyNoOtherCalls();
        tokens.VerifyNoOtherCalls();
    }

    [Test]
    public async Task AccessToken_Authenticates_WithItsFamilyAsPartition_ThenExpires_EvenWhenCached()
    {
        GivenAccessToken();

        var fresh = await Authenticate(AccessToken);
        clock.Advance(TimeSpan.FromMinutes(60));
        var expired = await Authenticate(AccessToken);

        Assert.That(fresh.Caller!.RateLimitPartition, Is.EqualTo("token-family:fam"));
        Assert.That(expired.Status, Is.EqualTo(BearerStatus.Expired));
    }

    [Test]
    public async Task ExpiredAccessToken_FromTheDatabase_IsExpired_AndRevokedIsInvalid()
    {
        var pair = GivenAccessToken();
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.That((await Authenticate(AccessToken)).Status, Is.EqualTo(BearerStatus.Expired));

        pair.With(nameof(ManagedUserTokens.RevokedAt), (DateTimeOffset?)clock.GetUtcNow());
        Assert.That((await Authenticate(AccessToken)).Status, Is.EqualTo(BearerStatus.Invalid));
    }

    [Test]
    public async Task AKeyRevokedWhileItsLookupIsInFlight_IsNotCached()
    {
        // The lookup reads the key as it was before a revocation that lands (and invalidates) before the lookup ends.
        apiKeys
            .Setup(k => k.FindByHashAsync("k:" + Key, It.IsAny<CancellationToken>()))
            .ReturnsAsync(ApiKey.Issue(7, "k:" + Key, clock.GetUtcNow(), null).WithId(3))
            .Callback(() => cache.InvalidateAsync(AuthenticatedCaller.ApiKeyPartition(3)).AsTask().Wait());

        var raced = await Authenticate(Key);

        Assert.That(raced.Status, Is.EqualTo(BearerStatus.Authenticated), "the lookup itself read a usable key");
        Assert.That(cache.Count, Is.Zero, "but what it read is not trusted for the next 30 s");
    }

    [Test]
    public async Task UnknownToken_IsInvalid_NotCachedAsValid_ButRememberedAsInvalid()
    {
        Assert.That((await Authenticate(AccessToken)).Status, Is.EqualTo(BearerStatus.Invalid));
        Assert.That(cache.Count, Is.Zero);
        Assert.That(cache.Invalid, Has.Count.EqualTo(1), "the next request with it costs no lookup");
    }

    private sealed class DictionaryCache : IAuthenticationCache
    {
        private readonly Dictionary<string, CachedBearer> entries = [];

        public int Count => entries.Count;

        public long Generation { get; private set; }

        public CachedBearer? Get(string tokenHash) => entries.GetValueOrDefault(tokenHash);

        public void Set(string tokenHash, CachedBearer entry, long generationBeforeLookup)
        {
            if (generationBeforeLookup == Generation)
            {
                entries[tokenHash] = entry;
            }
        }

        public HashSet<string> Invalid { get; } = [];

        public long IssuedGeneration { get; private set; }

        public ValueTask InvalidateAsync(string callerPartition)
        {
            Generation++;
            foreach (var key in entries.Where(e => e.Value.Caller.CachePartition == callerPartition).Select(e => e.Key).ToList())
            {
                entries.Remove(key);
            }

            return ValueTask.CompletedTask;
        }

        public bool IsKnownInvalid(string tokenHash) => Invalid.Contains(tokenHash);

        public void SetInvalid(string tokenHash, long generationBeforeLookup)
        {
            if (generationBeforeLookup == IssuedGeneration)
            {
                Invalid.Add(tokenHash);
            }
        }

        public ValueTask ForgetInvalidAsync(string tokenHash)
        {
            IssuedGeneration++;
            Invalid.Remove(tokenHash);
            return ValueTask.CompletedTask;
        }
    }
}
