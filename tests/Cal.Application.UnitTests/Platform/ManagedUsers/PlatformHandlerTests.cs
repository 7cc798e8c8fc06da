using Cal.Application.Authentication;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Application.Platform.Tokens;
using Cal.Application.Platform.Tokens.Commands.RefreshTokens;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Cal.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.Platform.ManagedUsers;

public sealed class PlatformHandlerTests
{
    private static readonly OAuthClientRef Client = new(1, "clacme");

    private FakeTimeProvider clock = null!;
    private Mock<IManagedUserTokenRepository> tokens = null!;
    private Mock<IPlatformSecrets> secrets = null!;
    private Mock<IAuthenticationCache> authCache = null!;
    private ListLogger<RefreshTokensCommandHandler> log = null!;
    private int counter;

    [SetUp]
    public void SetUp()
    {
        counter = 0;
        clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        tokens = new Mock<IManagedUserTokenRepository>();
        secrets = new Mock<IPlatformSecrets>();
        secrets.Setup(s => s.NewAccessToken()).Returns(() => $"calat_{++counter}");
        secrets.Setup(s => s.NewRefreshToken()).Returns(() => $"calrt_{++counter}");
        secrets.Setup(s => s.NewFamilyId()).Returns("fam");
        secrets.Setup(s => s.Hash(It.IsAny<string>())).Returns<string>(s => "h:" + s);
        secrets.Setup(s => s.Matches(It.IsAny<string>(), It.IsAny<string>())).Returns<string, string>((s, h) => "h:" + s == h);
        authCache = new Mock<IAuthenticationCache>();
        log = new ListLogger<RefreshTokensCommandHandler>();
    }

    private TokenIssuer Issuer() => new(secrets.Object, authCache.Object, clock, Options.Create(new AuthOptions()));

    private RefreshTokensCommandHandler Refresh() => new(tokens.Object, secrets.Object, Issuer(), authCache.Object, clock, log);

    private ManagedUserTokens Pair(int oAuthClientId = 1) =>
        ManagedUserTokens
            .Issue("fam", 7, oAuthClientId, "h:calat_old", "h:calrt_old", clock.GetUtcNow(), TimeSpan.FromHours(1), TimeSpan.FromDays(365))
            .WithId(5);

    [Test]
    public async Task Refresh_RotatesThePair_InTheSameFamily()
    {
        tokens.Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>())).ReturnsAsync(Pair());
        ManagedUserTokens? next = null;
        tokens
            .Setup(t => t.TryRotateAsync(5, It.IsAny<ManagedUserTokens>(), clock.GetUtcNow(), It.IsAny<CancellationToken>()))
            .Callback<int, ManagedUserTokens, DateTimeOffset, CancellationToken>((_, n, _, _) => next = n)
            .ReturnsAsync(true);

        var pair = await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None);

        Assert.That((pair.AccessToken, pair.RefreshToken), Is.EqualTo(("calat_1", "calrt_2")));
        Assert.That(
            (next!.FamilyId, next.UserId, next.AccessTokenHash, next.RefreshTokenHash),
            Is.EqualTo(("fam", 7, "h:calat_1", "h:calrt_2"))
        );
        tokens.Verify(t => t.RevokeFamilyAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void Refresh_WithARotatedToken_RevokesTheFamily_AndForgetsItsCachedTokens()
    {
        tokens
            .Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Pair().With(nameof(ManagedUserTokens.RotatedAt), (DateTimeOffset?)clock.GetUtcNow()));

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None)
        );

        tokens.Verify(t => t.RevokeFamilyAsync("fam", clock.GetUtcNow(), It.IsAny<CancellationToken>()), Times.Once);
        authCache.Verify(c => c.InvalidateAsync("token-family:fam"), Times.Once);
        tokens.Verify(
            t =>
                t.TryRotateAsync(It.IsAny<int>(), It.IsAny<ManagedUserTokens>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()),
            Times.Never
        );
        Assert.That(log.AllText, Does.Contain("revoked").And.Not.Contain("calrt_old"));
    }

    [Test]
    public void Refresh_LosingARaceWithTheSameToken_IsReuse_Too()
    {
        tokens.Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>())).ReturnsAsync(Pair());
        tokens
            .Setup(t => t.TryRotateAsync(5, It.IsAny<ManagedUserTokens>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(false);

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None)
        );
        tokens.Verify(t => t.RevokeFamilyAsync("fam", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void Refresh_OtherClientsToken_ExpiredToken_UnknownToken_AreRefused_WithoutRevoking()
    {
        tokens
            .Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_other", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Pair(oAuthClientId: 2));
        tokens.Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>())).ReturnsAsync(Pair());

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_other"), CancellationToken.None)
        );
        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_unknown"), CancellationToken.None)
        );
        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calat_not-a-refresh-token"), CancellationToken.None)
        );
        clock.Advance(TimeSpan.FromDays(365));
        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None)
        );

        tokens.Verify(t => t.RevokeFamilyAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task AuthenticateClient_ComparesTheSecretsHash_AndAnswersTheSameForUnknownClients()
    {
        var clients = new Mock<IOAuthClientRepository>();
        clients
            .Setup(c => c.FindByClientIdAsync("clacme", It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthClient.Register("clacme", "Acme", "h:secret", clock.GetUtcNow()).WithId(1));
        var handler = new AuthenticateOAuthClientQueryHandler(clients.Object, secrets.Object);

        Assert.That(await handler.Handle(new AuthenticateOAuthClientQuery("clacme", "secret"), CancellationToken.None), Is.EqualTo(Client));
        var wrong = Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await handler.Handle(new AuthenticateOAuthClientQuery("clacme", "guess"), CancellationToken.None)
        );
        var unknown = Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await handler.Handle(new AuthenticateOAuthClientQuery("clnobody", "secret"), CancellationToken.None)
        );
        Assert.That(wrong!.Message, Is.EqualTo(unknown!.Message));
        secrets.Verify(
            s => s.Matches("secret", It.IsAny<string>()),
            Times.Exactly(2),
            "a secret is compared even when the client is unknown"
        );
    }

    [Test]
    public async Task CreateManagedUser_StoresTheUserAndItsFirstPairTogether_WithCalComsEmail()
    {
        User? stored = null;
        ManagedUserTokens? first = null;
        tokens
            .Setup(t =>
                t.AddUserWithTokensAsync(It.IsAny<User>(), It.IsAny<Func<User, ManagedUserTokens>>(), It.IsAny<CancellationToken>())
            )
            .Callback<User, Func<User, ManagedUserTokens>, CancellationToken>((u, f, _) => first = f((stored = u).WithId(42)))
            .Returns(Task.CompletedTask);
        var schedules = new Mock<IScheduleRepository>();
        Domain.Schedules.Schedule? schedule = null;
        schedules
            .Setup(r => r.AddAsync(It.IsAny<Domain.Schedules.Schedule>(), true, It.IsAny<CancellationToken>()))
            .Callback<Domain.Schedules.Schedule, bool, CancellationToken>((s, _, _) => schedule = s.WithId(5))
            .Returns(Task.CompletedTask);
        var handler = new CreateManagedUserCommandHandler(
            tokens.Object,
            schedules.Object,
            secrets.Object,
            Issuer(),
            clock,
            TestMapper.Instance
        );

        var created = await handler.Handle(
            new CreateManagedUserCommand(Client, "Ann@Example.com", "Asia/Tokyo", " Ann "),
            CancellationToken.None
        );

        Assert.That(
            created.User,
            Is.EqualTo(
                new ManagedUserDto(
                    42,
                    "ann+clacme@example.com",
                    "ann-clacme-example-com",
                    "Ann",
                    null,
                    "Asia/Tokyo",
                    "Sunday",
                    clock.GetUtcNow().UtcDateTime,
                    12,
                    5,
                    null,
                    null,
                    null
                )
            )
        );
        Assert.That(
            (schedule!.UserId, schedule.TimeZone, schedule.Availability.Single().Days.Count),
            Is.EqualTo((42, "Asia/Tokyo", 5)),
            "a default schedule in the user's zone, Monday to Friday"
        );
        Assert.That((stored!.OAuthClientId, first!.UserId, first.OAuthClientId, first.FamilyId), Is.EqualTo(((int?)1, 42, 1, "fam")));
        Assert.That(created.Tokens.AccessTokenExpiresAt, Is.EqualTo(clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds()));
    }

    [Test]
    public void CreateManagedUser_ExistingEmail_IsTheRepositorysConflict_AndNoTokenIsIssued()
    {
        tokens
            .Setup(t =>
                t.AddUserWithTokensAsync(It.IsAny<User>(), It.IsAny<Func<User, ManagedUserTokens>>(), It.IsAny<CancellationToken>())
            )
            .ThrowsAsync(new ConflictException("A managed user with this email already exists for this OAuth client."));
        var issued = 0;
        secrets.Setup(s => s.NewFamilyId()).Callback(() => issued++).Returns("fam");
        var handler = new CreateManagedUserCommandHandler(
            tokens.Object,
            new Mock<IScheduleRepository>().Object,
            secrets.Object,
            Issuer(),
            clock,
            TestMapper.Instance
        );

        Assert.ThrowsAsync<ConflictException>(async () =>
            await handler.Handle(new CreateManagedUserCommand(Client, "ann@example.com", null, null), CancellationToken.None)
        );
        Assert.That(issued, Is.Zero, "the first pair is issued only once the user is stored");
    }

    [Test]
    public async Task GetManagedUser_AnotherClientsUser_IsNotFound()
    {
        var users = new Mock<IUserRepository>();
        users
            .Setup(u => u.FindByIdAsync(42, It.IsAny<CancellationToken>()))
            .ReturnsAsync(User.CreateManaged(2, "x+clother@example.com", null, null, clock.GetUtcNow()).WithId(42));
        users
            .Setup(u => u.FindByIdAsync(43, It.IsAny<CancellationToken>()))
            .ReturnsAsync(User.CreateManaged(1, "y+clacme@example.com", null, null, clock.GetUtcNow()).WithId(43));
        var handler = new Cal.Application.Platform.ManagedUsers.Queries.GetManagedUsers.GetManagedUserQueryHandler(
            users.Object,
            TestMapper.Instance
        );

        Assert.ThrowsAsync<NotFoundException>(async () => await handler.Handle(new(Client, 42), CancellationToken.None));
        Assert.That((await handler.Handle(new(Client, 43), CancellationToken.None)).Email, Is.EqualTo("y+clacme@example.com"));
    }
}
