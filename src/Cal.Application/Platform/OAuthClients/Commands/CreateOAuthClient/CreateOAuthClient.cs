using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Platform;
using Mediator;

namespace Cal.Application.Platform.OAuthClients.Commands.CreateOAuthClient;

/// <summary>Admin: registers a platform customer's OAuth client; the secret is returned this once and stored as a hash.</summary>
public sealed record CreateOAuthClientCommand(string Name) : ICommand<CreatedOAuthClient>, IValidated;

public sealed record CreatedOAuthClient(string ClientId, string Secret);

public sealed class CreateOAuthClientCommandHandler(IOAuthClientRepository clients, IPlatformSecrets secrets, TimeProvider time)
    : ICommandHandler<CreateOAuthClientCommand, CreatedOAuthClient>
{
    public async ValueTask<CreatedOAuthClient> Handle(CreateOAuthClientCommand command, CancellationToken cancellationToken)
    {
        var secret = secrets.NewClientSecret();
        var client = OAuthClient.Register(secrets.NewClientId(), command.Name, secrets.Hash(secret), time.GetUtcNow());
        await clients.AddAsync(client, cancellationToken);
        return new CreatedOAuthClient(client.ClientId, secret);
    }
}
