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

    private Mock<IUserRepository> users = null!;
    private Mock<IApiKeyRepository> apiKeys = null!;
    private Mock<IApiKeyGenerator> generator = null!;
    private List<ApiKey> stored = null!;
    private User alice = null!;

    [SetUp]
    public void SetUp()
    {
        alice = User.Create("alice@example.com", "Europe/Berlin", null, Now.AddDays(-1)).WithId(7);
        users = new Mock<IUserRepository>();
        users.Setup(u => u.FindByEmailAsync("alice@example.com", It.IsAny<CancellationToken>())).ReturnsAsync(alice);

        stored = [];
        apiKeys = new Mock<IApiKeyRepository>();
        apiKeys
            .Setup(k => k.AddAsync(It.IsAny<ApiKey>(), It.IsAny<CancellationToken>()))
            .Callback<ApiKey, CancellationToken>((key, _) => stored.Add(key))
            .Returns(Task.CompletedTask);

        generator = new Mock<IApiKeyGenerator>();
        generator.Setup(g => g.Generate()).Returns(Plaintext);
        generator.Setup(g => g.Hash(Plaintext)).Returns(Hashed);
    }

    private CreateApiKeyCommandHandler CreateHandler() =>
        new(users.Object, apiKeys.Object, generator.Object, new Mock<IAuthenticationCache>().Object, new FakeTimeProvider(Now));

    [Test]
    public void Handle_ForUnknownUser_ThrowsNotFound_AndStoresNoKey()
    {
        Assert.ThrowsAsync<NotFoundException>(async () =>
            await CreateHandler().Handle(new CreateApiKeyCommand("nobody@example.com", null), CancellationToken.None)
        );

        apiKeys.Verify(k => k.AddAsync(It.IsAny<ApiKey>(), It.IsAny<CancellationToken>()), Times.Never);
        generator.Verify(g => g.Generate(), Times.Never);
    }

    [Test]
    public async Task Handle_LooksTheUserUpByNormalisedEmail()
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("  Alice@Example.COM ", null), CancellationToken.None);

        Assert.That(stored.Single().UserId, Is.EqualTo(7));
    }

    [Test]
    public async Task Handle_ReturnsThePlaintext_AndStoresOnlyItsHash()
    {
        var returned = await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", null), CancellationToken.None);

        var key = stored.Single();
        Assert.Multiple(() =>
        {
            Assert.That(returned, Is.EqualTo(Plaintext));
            Assert.That(key.HashedKey, Is.EqualTo(Hashed));
            Assert.That(key.HashedKey, Does.Not.Contain(Plaintext));
            Assert.That(key.UserId, Is.EqualTo(alice.Id));
            Assert.That(key.CreatedAt, Is.EqualTo(Now));
        });
        generator.Verify(g => g.Hash(Plaintext), Times.Once);
    }

    [TestCase(1)]
    [TestCase(30)]
    [TestCase(3650)]
    public async Task Handle_WithExpiresInDays_ExpiresThatManyDaysFromNow(int days)
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", days), CancellationToken.None);

        Assert.That(stored.Single().ExpiresAt, Is.EqualTo(Now.AddDays(days)));
    }

    [Test]
    public async Task Handle_WithoutExpiresInDays_NeverExpires()
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", null), CancellationToken.None);

        Assert.That(stored.Single().ExpiresAt, Is.Null);
    }

    [Test]
    public async Task Handle_IssuedKey_IsUsableNow()
    {
        await CreateHandler().Handle(new CreateApiKeyCommand("alice@example.com", 1), CancellationToken.None);

        Assert.That(stored.Single().IsUsableAt(Now), Is.True);
    }
}
