using Cal.Application.ApiKeys.Queries.AuthenticateApiKey;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.ApiKeys;
using Cal.Domain.Users;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.ApiKeys.Queries.AuthenticateApiKey;

public sealed class AuthenticateApiKeyQueryHandlerTests
{
    private const string Token = "cal_0123456789abcdef0123456789abcdef";
    private const string Hashed = "hash-of-token";
    private static readonly DateTimeOffset Issued = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private Mock<IApiKeyRepository> _apiKeys = null!;
    private Mock<IUserRepository> _users = null!;
    private Mock<IApiKeyGenerator> _generator = null!;
    private FakeTimeProvider _time = null!;
    private User _alice = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Issued.AddDays(1));
        _alice = User.Create("alice@example.com", "Europe/Berlin", null, Issued).WithId(7);

        _generator = new Mock<IApiKeyGenerator>();
        _generator.Setup(g => g.Hash(It.IsAny<string>())).Returns((string s) => "hash-of-" + s);
        _generator.Setup(g => g.Hash(Token)).Returns(Hashed);

        _apiKeys = new Mock<IApiKeyRepository>();
        _apiKeys.Setup(k => k.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((ApiKey?)null);

        _users = new Mock<IUserRepository>();
        _users.Setup(u => u.FindByIdAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync(_alice);
    }

    private void StoreKey(ApiKey key) =>
        _apiKeys.Setup(k => k.FindByHashAsync(Hashed, It.IsAny<CancellationToken>())).ReturnsAsync(key);

    private AuthenticateApiKeyQueryHandler CreateHandler() => new(_apiKeys.Object, _users.Object, _generator.Object, _time);

    private ValueTask<AuthenticatedCaller?> Authenticate(string token) =>
        CreateHandler().Handle(new AuthenticateApiKeyQuery(token), CancellationToken.None);

    [Test]
    public async Task Handle_WithValidKey_ReturnsTheCaller()
    {
        StoreKey(ApiKey.Issue(7, Hashed, Issued, Issued.AddDays(30)).WithId(11));

        var caller = await Authenticate(Token);

        Assert.That(caller, Is.EqualTo(new AuthenticatedCaller(7, "alice@example.com", "Europe/Berlin", ApiKeyId: 11)));
    }

    [Test]
    public async Task Handle_LooksTheKeyUpByItsHash_NeverByThePlaintext()
    {
        StoreKey(ApiKey.Issue(7, Hashed, Issued, null));

        await Authenticate(Token);

        _apiKeys.Verify(k => k.FindByHashAsync(Hashed, It.IsAny<CancellationToken>()), Times.Once);
        _apiKeys.Verify(k => k.FindByHashAsync(Token, It.IsAny<CancellationToken>()), Times.Never);
    }

    [TestCase("CAL_0123456789abcdef0123456789abcdef")]
    [TestCase("Cal_0123456789abcdef0123456789abcdef")]
    [TestCase("cal-0123456789abcdef0123456789abcdef")]
    [TestCase("xcal_0123456789abcdef0123456789abcdef")]
    [TestCase(" cal_0123456789abcdef0123456789abcdef")]
    [TestCase("Bearer cal_0123456789abcdef0123456789abcdef")]
    [TestCase("0123456789abcdef0123456789abcdef")]
    [TestCase("")]
    public async Task Handle_WithoutTheCalPrefix_ReturnsNull_WithoutTouchingTheRepositories(string token)
    {
        var caller = await Authenticate(token);

        Assert.That(caller, Is.Null);
        _apiKeys.VerifyNoOtherCalls();
        _users.VerifyNoOtherCalls();
        _generator.Verify(g => g.Hash(It.IsAny<string>()), Times.Never);
    }

    [TestCase(4)]
    [TestCase(10)]
    [TestCase(19)]
    [TestCase(201)]
    [TestCase(5000)]
    public async Task Handle_WithTooShortOrTooLongToken_ReturnsNull_WithoutTouchingTheRepositories(int length)
    {
        var caller = await Authenticate(TokenOfLength(length));

        Assert.That(caller, Is.Null);
        _apiKeys.VerifyNoOtherCalls();
        _users.VerifyNoOtherCalls();
        _generator.Verify(g => g.Hash(It.IsAny<string>()), Times.Never);
    }

    [TestCase(20)]
    [TestCase(200)]
    public async Task Handle_AtTheLengthLimits_LooksTheKeyUp(int length)
    {
        var token = TokenOfLength(length);

        await Authenticate(token);

        _apiKeys.Verify(k => k.FindByHashAsync("hash-of-" + token, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Handle_WithUnknownKey_ReturnsNull()
    {
        var caller = await Authenticate("cal_ffffffffffffffffffffffffffffffff");

        Assert.That(caller, Is.Null);
        _users.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Handle_WithExpiredKey_ReturnsNull()
    {
        StoreKey(ApiKey.Issue(7, Hashed, Issued, Issued.AddDays(30)));
        _time.SetUtcNow(Issued.AddDays(31));

        var caller = await Authenticate(Token);

        Assert.That(caller, Is.Null);
        _users.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Handle_AtTheMomentOfExpiry_ReturnsNull()
    {
        StoreKey(ApiKey.Issue(7, Hashed, Issued, Issued.AddDays(30)));
        _time.SetUtcNow(Issued.AddDays(30));

        Assert.That(await Authenticate(Token), Is.Null);
    }

    [Test]
    public async Task Handle_JustBeforeExpiry_ReturnsTheCaller()
    {
        StoreKey(ApiKey.Issue(7, Hashed, Issued, Issued.AddDays(30)));
        _time.SetUtcNow(Issued.AddDays(30).AddSeconds(-1));

        Assert.That(await Authenticate(Token), Is.Not.Null);
    }

    [Test]
    public async Task Handle_WithRevokedKey_ReturnsNull()
    {
        var key = ApiKey.Issue(7, Hashed, Issued, null);
        key.Revoke(Issued.AddHours(1));
        StoreKey(key);

        var caller = await Authenticate(Token);

        Assert.That(caller, Is.Null);
        _users.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Handle_WhenTheKeysUserNoLongerExists_ReturnsNull()
    {
        StoreKey(ApiKey.Issue(99, Hashed, Issued, null));

        Assert.That(await Authenticate(Token), Is.Null);
    }

    private static string TokenOfLength(int length) =>
        length <= 4 ? "cal_"[..length] : "cal_" + new string('a', length - 4);
}
