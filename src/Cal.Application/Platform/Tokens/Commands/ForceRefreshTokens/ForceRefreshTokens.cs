using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Mediator;

namespace Cal.Application.Platform.Tokens.Commands.ForceRefreshTokens;

/// <summary>
/// cal.com's <c>POST /v2/oauth-clients/{clientId}/users/{userId}/force-refresh</c>: a new token pair without the refresh
/// token (the client lost it, or wants every session of the user ended); every earlier token family is revoked in the
/// same transaction.
/// </summary>
public sealed record ForceRefreshTokensCommand(OAuthClientRef Client, int UserId) : ICommand<TokenPairDto>;

public sealed class ForceRefreshTokensCommandHandler(
    IUserRepository users,
    IManagedUserTokenRepository tokens,
    IPlatformSecrets secrets,
    TokenIssuer issuer,
    IAuthenticationCache cache,
    TimeProvider time
) : ICommandHandler<ForceRefreshTokensCommand, TokenPairDto>
{
    public async ValueTask<TokenPairDto> Handle(ForceRefreshTokensCommand command, CancellationToken cancellationToken)
    {
        var user = await OwnedManagedUser.FindAsync(users, command.Client, command.UserId, cancellationToken);
        var (next, plaintext) = issuer.Issue(secrets.NewFamilyId(), user.Id, command.Client.Id);
        var revoked = await tokens.ReplaceAllFamiliesAsync(user.Id, next, time.GetUtcNow(), cancellationToken);
        await OwnedManagedUser.ForgetCachedCredentialsAsync(cache, revoked);
        CalMetrics.TokenFamilyRevocations.Add(revoked.Count);
        await issuer.IssuedAsync(next);
        return plaintext;
    }
}
