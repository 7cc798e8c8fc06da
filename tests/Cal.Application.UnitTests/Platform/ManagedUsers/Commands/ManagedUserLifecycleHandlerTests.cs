using Cal.Application.Authentication;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Commands.DeleteManagedUser;
using Cal.Application.Platform.ManagedUsers.Commands.UpdateManagedUser;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Application.Platform.Tokens;
using Cal.Application.Platform.Tokens.Commands.ForceRefreshTokens;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.Platform.ManagedUsers.Commands;

/// <summary>Update, delete and force-refresh of a managed user, with the ports mocked.</summary>
public sealed class ManagedUserLifecycleHandlerTests
{
    private static readonly OAuthClientRef Client = new(1, "clacme");
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private Mock<IUserRepository> users = null!;
    private Mock<IManagedUserTokenRepository> tokens = null!;
    private Mock<IAuthenticationCache> cache = null!;
    private Mock<IPlatformSecrets> secrets = null!;
    private User alice = null!;

    [SetUp]
    public void SetUp()
    {
        alice = User.CreateManaged(1, "alice+clacme@example.com", "America/New_York", "Alice", Now).WithId(7);
        users = new Mock<IUserRepository>();
        users.Setup(u => u.FindByIdAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync(alice);
        tokens = new Mock<IManagedUserTokenRepository>();
        tokens.Setup(t => t.FamiliesOfUserAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync(["fam-1", "fam-2"]);
        cache = new Mock<IAuthenticationCache>();
        secrets = new Mock<IPlatformSecrets>();
        secrets.Setup(s => s.NewAccessToken()).Returns("calat_new");
        secrets.Setup(s => s.NewRefreshToken()).Returns("calrt_new");
        secrets.Setup(s => s.NewFamilyId()).Returns("fam-3");
        secrets.Setup(s => s.Hash(It.IsAny<string>())).Returns<string>(s => "h:" + s);
    }

    [Test]
    public async Task Update_AppliesCalComsEmailForm_ChangesOnlyWhatIsGiven_AndForgetsCachedTokens()
    {
        User? saved = null;
        users
            .Setup(u => u.UpdateAsync(It.IsAny<User>(), It.IsAny<CancellationToken>()))
            .Callback<User, CancellationToken>((u, _) => saved = u)
            .Returns(Task.CompletedTask);

        var dto = await new UpdateManagedUserCommandHandler(users.Object, tokens.Object, cache.Object, TestMapper.Instance).Handle(
            new UpdateManagedUserCommand(Client, 7, "Alice.New@Example.com", null, "Asia/Tokyo"),
            CancellationToken.None
        );

        Assert.That((saved!.Email, saved.Name, saved.TimeZone), Is.EqualTo(("alice.new+clacme@example.com", "Alice", "Asia/Tokyo")));
        Assert.That(dto.Email, Is.EqualTo("alice.new+clacme@example.com"));
        cache.Verify(c => c.InvalidateAsync(AuthenticatedCaller.TokenFamilyPartition("fam-1")));
        cache.Verify(c => c.InvalidateAsync(AuthenticatedCaller.TokenFamilyPartition("fam-2")));
    }

    [Test]
    public void AnotherClientsUser_IsNotFound_AndNothingIsWritten()
    {
        var other = new OAuthClientRef(2, "clother");

        Assert.ThrowsAsync<NotFoundException>(async () =>
            await new UpdateManagedUserCommandHandler(users.Object, tokens.Object, cache.Object, TestMapper.Instance).Handle(
                new UpdateManagedUserCommand(other, 7, null, "M", null),
                CancellationToken.None
            )
        );
        Assert.ThrowsAsync<NotFoundException>(async () =>
            await new DeleteManagedUserCommandHandler(
                users.Object,
                cache.Object,
                NullLogger<DeleteManagedUserCommandHandler>.Instance,
                TestMapper.Instance
            ).Handle(new DeleteManagedUserCommand(other, 7), CancellationToken.None)
        );
        Assert.ThrowsAsync<NotFoundException>(async () =>
            await ForceRefresh().Handle(new ForceRefreshTokensCommand(other, 7), CancellationToken.None)
        );
        users.Verify(u => u.UpdateAsync(It.IsAny<User>(), It.IsAny<CancellationToken>()), Times.Never);
        users.Verify(u => u.DeleteWithEverythingAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
        tokens.Verify(
            t =>
                t.ReplaceAllFamiliesAsync(
                    It.IsAny<int>(),
                    It.IsAny<ManagedUserTokens>(),
                    It.IsAny<DateTimeOffset>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
    }

    [Test]
    public async Task Delete_ForgetsEveryCachedTokenFamilyAndKeyOfTheUser_AndAnswersTheUserAsItWas()
    {
        users.Setup(u => u.DeleteWithEverythingAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync(new DeletedUser(["fam-1"], [42]));

        var dto = await new DeleteManagedUserCommandHandler(
            users.Object,
            cache.Object,
            NullLogger<DeleteManagedUserCommandHandler>.Instance,
            TestMapper.Instance
        ).Handle(new DeleteManagedUserCommand(Client, 7), CancellationToken.None);

        Assert.That((dto.Id, dto.Email), Is.EqualTo((7, "alice+clacme@example.com")));
        cache.Verify(c => c.InvalidateAsync(AuthenticatedCaller.TokenFamilyPartition("fam-1")));
        cache.Verify(c => c.InvalidateAsync(AuthenticatedCaller.ApiKeyPartition(42)));
    }

    [Test]
    public async Task ForceRefresh_StoresANewFamily_RevokingTheOthers_AndForgetsThem()
    {
        ManagedUserTokens? stored = null;
        tokens
            .Setup(t => t.ReplaceAllFamiliesAsync(7, It.IsAny<ManagedUserTokens>(), Now, It.IsAny<CancellationToken>()))
            .Callback<int, ManagedUserTokens, DateTimeOffset, CancellationToken>((_, next, _, _) => stored = next)
            .ReturnsAsync(["fam-1", "fam-2"]);

        var pair = await ForceRefresh().Handle(new ForceRefreshTokensCommand(Client, 7), CancellationToken.None);

        Assert.That((pair.AccessToken, pair.RefreshToken), Is.EqualTo(("calat_new", "calrt_new")));
        Assert.That(
            (stored!.FamilyId, stored.UserId, stored.OAuthClientId, stored.AccessTokenHash),
            Is.EqualTo(("fam-3", 7, 1, "h:calat_new"))
        );
        cache.Verify(c => c.InvalidateAsync(AuthenticatedCaller.TokenFamilyPartition("fam-1")));
        cache.Verify(c => c.InvalidateAsync(AuthenticatedCaller.TokenFamilyPartition("fam-2")));
    }

    private ForceRefreshTokensCommandHandler ForceRefresh()
    {
        var clock = new FakeTimeProvider(Now);
        return new(
            users.Object,
            tokens.Object,
            secrets.Object,
            new TokenIssuer(secrets.Object, cache.Object, clock, Options.Create(new AuthOptions())),
            cache.Object,
            clock
        );
    }
}
