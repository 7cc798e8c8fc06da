using Cal.Application.Common.Exceptions;
using Cal.Application.Platform.Tokens.Commands.RefreshTokens;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Platform;
using Moq;

namespace Cal.Application.UnitTests.Platform.Tokens.Commands.RefreshTokens;

public sealed class RefreshTokensCommandHandlerTests : PlatformHandlerTestBase
{
    [Test]
    public async Task Refresh_RotatesThePair_InTheSameFamily()
    {
        Tokens.Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>())).ReturnsAsync(Pair());
        ManagedUserTokens? next = null;
        Tokens
            .Setup(t => t.TryRotateAsync(5, It.IsAny<ManagedUserTokens>(), Clock.GetUtcNow(), It.IsAny<CancellationToken>()))
            .Callback<int, ManagedUserTokens, DateTimeOffset, CancellationToken>((_, n, _, _) => next = n)
            .ReturnsAsync(true);

        var pair = await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None);

        Assert.That((pair.AccessToken, pair.RefreshToken), Is.EqualTo(("calat_1", "calrt_2")));
        Assert.That(
            (next!.FamilyId, next.UserId, next.AccessTokenHash, next.RefreshTokenHash),
            Is.EqualTo(("fam", 7, "h:calat_1", "h:calrt_2"))
        );
        Tokens.Verify(t => t.RevokeFamilyAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void Refresh_WithARotatedToken_RevokesTheFamily_AndForgetsItsCachedTokens()
    {
        Tokens
            .Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Pair().With(nameof(ManagedUserTokens.RotatedAt), (DateTimeOffset?)Clock.GetUtcNow()));

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None)
        );

        Tokens.Verify(t => t.RevokeFamilyAsync("fam", Clock.GetUtcNow(), It.IsAny<CancellationToken>()), Times.Once);
        AuthCache.Verify(c => c.InvalidateAsync("token-family:fam"), Times.Once);
        Tokens.Verify(
            t =>
                t.TryRotateAsync(It.IsAny<int>(), It.IsAny<ManagedUserTokens>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()),
            Times.Never
        );
        Assert.That(Log.AllText, Does.Contain("revoked").And.Not.Contain("calrt_old"));
    }

    [Test]
    public void Refresh_LosingARaceWithTheSameToken_IsReuse_Too()
    {
        Tokens.Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>())).ReturnsAsync(Pair());
        Tokens
            .Setup(t => t.TryRotateAsync(5, It.IsAny<ManagedUserTokens>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(false);

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None)
        );
        Tokens.Verify(t => t.RevokeFamilyAsync("fam", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void Refresh_OtherClientsToken_ExpiredToken_UnknownToken_AreRefused_WithoutRevoking()
    {
        Tokens
            .Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_other", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Pair(oAuthClientId: 2));
        Tokens.Setup(t => t.FindByRefreshTokenHashAsync("h:calrt_old", It.IsAny<CancellationToken>())).ReturnsAsync(Pair());

        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_other"), CancellationToken.None)
        );
        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_unknown"), CancellationToken.None)
        );
        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calat_not-a-refresh-token"), CancellationToken.None)
        );
        Clock.Advance(TimeSpan.FromDays(365));
        Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Refresh().Handle(new RefreshTokensCommand(Client, "calrt_old"), CancellationToken.None)
        );

        Tokens.Verify(t => t.RevokeFamilyAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
