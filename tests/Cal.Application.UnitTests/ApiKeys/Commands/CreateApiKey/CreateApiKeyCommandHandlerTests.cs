using Cal.Application.ApiKeys.Commands.CreateApiKey;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.ApiKeys;
using Cal.Domain.Users;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.ApiKeys.Commands.CreateApiKey;

public sealed class CreateApiKeyCommandHandlerTests
{
    private const string Plaintext = "cal_0123456789abcdef0123456789abcdef";
    private const string Hashed = "hash-of-the-plaintext";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private Mock<IUserRepository> _users = null!;
    private Mock<IApiKeyRepository> _apiKeys = null!;
    private Mock<IApiKeyGenerator> _generator = null!;
    private List<ApiKey> _stored = null!;
    private User _alice = null!;

    [SetUp]
    public void SetUp()
    {
        _alice = User.Create("alice@example.com", "Europe/Berlin", null, Now.AddDays(-1)).WithId(7);
        _users = new Mock<IUserRepository>();
        _users.Setup(u => u.FindByEmailAsync("alice@example.com", It.IsAny<CancellationToken>())).ReturnsAsync(_alice);

        _stored = [];
        _apiKeys = new Mock<IApiKeyRepository>();
        _apiKeys.Setup(k => k.AddAsync(It.IsAny<ApiKey>(), It.IsAny<CancellationToken>()))
            .Callback<ApiKey, CancellationToken>((key, _) => _stored.Add(key))
            .Returns(Task.CompletedTask);

        _generator = new Mock<IApiKeyGenerator>();
        _generator.Setup(g => g.Generate()).Returns(Plaintext);
        _generator.Setup(g => g.Hash(Plaintext)).Returns(Hashed);
    }

    private CreateApiKeyCommandHandler CreateHandler() =>
        new(_users.Object, _apiKeys.Object, _generator.Object, new Mock<IAuthenticationCache>().Object, new FakeTimeProvider(Now));

    [Test]
    public void Handle_ForUnknownUser_ThrowsNotFound_AndStoresNoKey()
    {
        Assert.ThrowsAsync<NotFoundException>(async () => await CreateHandler().Handle(new CreateApiKeyCommand("nobody@example.com", null), CancellationToken.None));

        _apiKeys.Verify(k => k.AddAsync(It.IsAny<ApiKey>(), It.IsAny<CancellationToken>()), Times.Never);
        _generator.Verify(g => g.Generate(), Times.Never);
    }

    [Test]
    public async Task Handle_LooksTheUserUpByNormalisedEmail()
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("  Alice@Example.COM ", null), CancellationToken.None);

        Assert.That(_stored.Single().UserId, Is.EqualTo(7));
    }

    [Test]
    public async Task Handle_ReturnsThePlaintext_AndStoresOnlyItsHash()
    {
        var returned = await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", null), CancellationToken.None);

        var key = _stored.Single();
        Assert.Multiple(() =>
        {
            Assert.That(returned, Is.EqualTo(Plaintext));
            Assert.That(key.HashedKey, Is.EqualTo(Hashed));
            Assert.That(key.HashedKey, Does.Not.Contain(Plaintext));
            Assert.That(key.UserId, Is.EqualTo(_alice.Id));
            Assert.That(key.CreatedAt, Is.EqualTo(Now));
        });
        _generator.Verify(g => g.Hash(Plaintext), Times.Once);
    }

    [TestCase(1)]
    [TestCase(30)]
    [TestCase(3650)]
    public async Task Handle_WithExpiresInDays_ExpiresThatManyDaysFromNow(int days)
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", days), CancellationToken.None);

        Assert.That(_stored.Single().ExpiresAt, Is.EqualTo(Now.AddDays(days)));
    }

    [Test]
    public async Task Handle_WithoutExpiresInDays_NeverExpires()
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", null), CancellationToken.None);

        Assert.That(_stored.Single().ExpiresAt, Is.Null);
    }

    [Test]
    public async Task Handle_IssuedKey_IsUsableNow()
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", 1), CancellationToken.None);

        Assert.That(_stored.Single().IsUsableAt(Now), Is.True);
    }
}
