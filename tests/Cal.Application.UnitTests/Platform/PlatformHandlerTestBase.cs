using Cal.Application.Authentication;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Application.Platform.Tokens;
using Cal.Application.Platform.Tokens.Commands.RefreshTokens;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Platform;
using Cal.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.Platform;

/// <summary>What the platform handlers' tests share: a fixed Clock, mocked token store and Secrets, and the token issuer.</summary>
public abstract class PlatformHandlerTestBase
{
    protected static readonly OAuthClientRef Client = new(1, "clacme");

    protected FakeTimeProvider Clock { get; private set; } = null!;
    protected Mock<IManagedUserTokenRepository> Tokens { get; private set; } = null!;
    protected Mock<IPlatformSecrets> Secrets { get; private set; } = null!;
    protected Mock<IAuthenticationCache> AuthCache { get; private set; } = null!;
    protected ListLogger<RefreshTokensCommandHandler> Log { get; private set; } = null!;
    private int counter;

    [SetUp]
    public void SetUpPlatform()
    {
        counter = 0;
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        Tokens = new Mock<IManagedUserTokenRepository>();
        Secrets = new Mock<IPlatformSecrets>();
        Secrets.Setup(s => s.NewAccessToken()).Returns(() => $"calat_{++counter}");
        Secrets.Setup(s => s.NewRefreshToken()).Returns(() => $"calrt_{++counter}");
        Secrets.Setup(s => s.NewFamilyId()).Returns("fam");
        Secrets.Setup(s => s.Hash(It.IsAny<string>())).Returns<string>(s => "h:" + s);
        Secrets.Setup(s => s.Matches(It.IsAny<string>(), It.IsAny<string>())).Returns<string, string>((s, h) => "h:" + s == h);
        AuthCache = new Mock<IAuthenticationCache>();
        Log = new ListLogger<RefreshTokensCommandHandler>();
    }

    protected TokenIssuer Issuer() => new(Secrets.Object, AuthCache.Object, Clock, Options.Create(new AuthOptions()));

    protected RefreshTokensCommandHandler Refresh() => new(Tokens.Object, Secrets.Object, Issuer(), AuthCache.Object, Clock, Log);

    protected ManagedUserTokens Pair(int oAuthClientId = 1) =>
        ManagedUserTokens
            .Issue("fam", 7, oAuthClientId, "h:calat_old", "h:calrt_old", Clock.GetUtcNow(), TimeSpan.FromHours(1), TimeSpan.FromDays(365))
            .WithId(5);
}
