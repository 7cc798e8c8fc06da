using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Platform;
using Moq;

namespace Cal.Application.UnitTests.Platform.OAuthClients.Queries.AuthenticateOAuthClient;

public sealed class AuthenticateOAuthClientQueryHandlerTests : PlatformHandlerTestBase
{
    [Test]
    public async Task AuthenticateClient_ComparesTheSecretsHash_AndAnswersTheSameForUnknownClients()
    {
        var clients = new Mock<IOAuthClientRepository>();
        clients
            .Setup(c => c.FindByClientIdAsync("clacme", It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthClient.Register("clacme", "Acme", "h:secret", Clock.GetUtcNow()).WithId(1));
        var handler = new AuthenticateOAuthClientQueryHandler(clients.Object, Secrets.Object);

        Assert.That(await handler.Handle(new AuthenticateOAuthClientQuery("clacme", "secret"), CancellationToken.None), Is.EqualTo(Client));
        var wrong = Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await handler.Handle(new AuthenticateOAuthClientQuery("clacme", "guess"), CancellationToken.None)
        );
        var unknown = Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await handler.Handle(new AuthenticateOAuthClientQuery("clnobody", "secret"), CancellationToken.None)
        );
        Assert.That(wrong!.Message, Is.EqualTo(unknown!.Message));
        Secrets.Verify(
            s => s.Matches("secret", It.IsAny<string>()),
            Times.Exactly(2),
            "a secret is compared even when the client is unknown"
        );
    }
}
