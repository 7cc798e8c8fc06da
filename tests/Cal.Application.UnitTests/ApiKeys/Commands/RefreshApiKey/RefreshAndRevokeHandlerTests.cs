using Cal.Application.ApiKeys;
using Cal.Application.ApiKeys.Commands.RefreshApiKey;
using Cal.Application.ApiKeys.Commands.RevokeApiKeys;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.ApiKeys;
using Cal.Domain.Users;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.ApiKeys.Commands.RefreshApiKey;

public sealed class RefreshAndRevokeHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private Mock<IApiKeyRepository> apiKeys = null!;
    private Mock<IApiKeyGenerator> generator = null!;
    private Mock<IAuthenticationCache> authCache = null!;
    private ApiKey? added;

    [SetUp]
    public void SetUp()
    {
        added = null;
        apiKeys = new Mock<IApiKeyRepository>();
        apiKeys
            .Setup(k =>
                k.ReplaceAsync(
                    It.IsAny<int>(),
                    It.IsAny<int>(),
                    It.IsAny<ApiKey>(),
                    It.IsAny<DateTimeOffset>(),
                    It.IsAny<DateTimeOffset>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback<int, int, ApiKey, DateTimeOffset, DateTimeOffset, CancellationToken>((_, _, k, _, _, _) => added = k)
            .ReturnsAsync(true);
        authCache = new Mock<IAuthenticationCache>();
        generator = new Mock<IApiKeyGenerator>();
        generator.Setup(g => g.Generate()).Returns("cal_new");
        generator.Setup(g => g.Hash("cal_new")).Returns("hash-of-new");
    }

    private RefreshApiKeyCommandHandler Refresh(TimeSpan grace = default) =>
        new(
            apiKeys.Object,
            generator.Object,
            authCache.Object,
            new FakeTimeProvider(Now),
            Options.Create(new ApiKeyOptions { RefreshGracePeriod = grace })
        );

    [Test]
    public async Task Refresh_StoresOnlyTheNewKeysHash_ForTheSameOwner_ValidThirtyDaysByDefault()
    {
        var plaintext = await Refresh().Handle(new RefreshApiKeyCommand(7, 3, null, null), CancellationToken.None);

        Assert.That(plaintext, Is.EqualTo("cal_new"));
        Assert.That((added!.UserId, added.HashedKey, added.ExpiresAt), Is.EqualTo((7, "hash-of-new", (DateTimeOffset?)Now.AddDays(30))));
    }

    [TestCase(0)]
    [TestCase(600)]
    public async Task Refresh_RevokesTheKeyUsed_AfterTheGracePeriod(int graceSeconds)
    {
        await Refresh(TimeSpan.FromSeconds(graceSeconds)).Handle(new RefreshApiKeyCommand(7, 3, 5, null), CancellationToken.None);

        apiKeys.Verify(
            k => k.ReplaceAsync(7, 3, It.IsAny<ApiKey>(), Now, Now.AddSeconds(graceSeconds), It.IsAny<CancellationToken>()),
            Times.Once
        );
        authCache.Verify(c => c.InvalidateAsync("api-key:3"), Times.Once, "this instance forgets the key's cached validation at once");
        Assert.That(added!.ExpiresAt, Is.EqualTo(Now.AddDays(5)));
    }

    [Test]
    public void Refresh_WhenTheDatabaseSaysTheKeyIsNoLongerUsable_IsRefused_AndTheCacheIsLeftAlone()
    {
        // The caller may have come from the authentication cache; the database decides.
        apiKeys.Setup(k => k.ReplaceAsync(7, 3, It.IsAny<ApiKey>(), Now, Now, It.IsAny<CancellationToken>())).ReturnsAsync(false);

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshApiKeyCommand(7, 3, null, null), CancellationToken.None)
        );
    }

    [Test]
    public async Task Refresh_NeverExpires_WhenAsked()
    {
        await Refresh().Handle(new RefreshApiKeyCommand(7, 3, 5, NeverExpires: true), CancellationToken.None);
        Assert.That(added!.ExpiresAt, Is.Null);
    }

    [Test]
    public async Task Revoke_RevokesEveryKeyOfTheUser_FoundByNormalisedEmail()
    {
        var users = new Mock<IUserRepository>();
        users
            .Setup(u => u.FindByEmailAsync("erin@example.com", It.IsAny<CancellationToken>()))
            .ReturnsAsync(User.Create("erin@example.com", null, null, Now).WithId(9));
        apiKeys.Setup(k => k.RevokeAllForUserAsync(9, Now, It.IsAny<CancellationToken>())).ReturnsAsync([4, 5]);

        var revoked = await new RevokeApiKeysCommandHandler(
            users.Object,
            apiKeys.Object,
            authCache.Object,
            new FakeTimeProvider(Now)
        ).Handle(new RevokeApiKeysCommand(" Erin@Example.com "), CancellationToken.None);

        Assert.That(revoked, Is.EqualTo(new[] { 4, 5 }));
        authCache.Verify(
            c => c.InvalidateAsync("api-key:4"),
            Times.Once,
            "every revoked key's cached validations dropped (in a fleet, everywhere)"
        );
        authCache.Verify(c => c.InvalidateAsync("api-key:5"), Times.Once);
    }

    [Test]
    public void Revoke_UnknownUser_IsNotFound()
    {
        Assert.ThrowsAsync<NotFoundException>(async () =>
            await new RevokeApiKeysCommandHandler(
                new Mock<IUserRepository>().Object,
                apiKeys.Object,
                authCache.Object,
                new FakeTimeProvider(Now)
            ).Handle(new RevokeApiKeysCommand("x@example.com"), CancellationToken.None)
        );
    }
}
