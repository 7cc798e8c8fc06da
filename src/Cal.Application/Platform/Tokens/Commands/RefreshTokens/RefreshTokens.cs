using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Cal.Application.Platform.Tokens.Commands.RefreshTokens;

/// <summary>
/// cal.com's <c>POST /v2/oauth/{clientId}/refresh</c>: exchanges a refresh token for a new pair. A refresh
/// token works once. Presenting one that was already exchanged means two parties hold it (one of them
/// stole it), so the whole token family is revoked: the managed user's tokens from that chain stop working
/// and the client must create a fresh session. Access tokens already issued keep working until they
/// expire, unless their family is revoked.
/// </summary>
public sealed record RefreshTokensCommand(OAuthClientRef Client, string RefreshToken) : ICommand<TokenPairDto>, IValidated;

public sealed partial class RefreshTokensCommandHandler(
    IManagedUserTokenRepository tokens,
    IPlatformSecrets secrets,
    TokenIssuer issuer,
    IAuthenticationCache authCache,
    TimeProvider time,
    ILogger<RefreshTokensCommandHandler> logger
) : ICommandHandler<RefreshTokensCommand, TokenPairDto>
{
    public const string InvalidRefreshToken = "Invalid refresh token.";

    public async ValueTask<TokenPairDto> Handle(RefreshTokensCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var tokenPair = await RefreshAsync(command, cancellationToken);
            CalMetrics.TokenRefreshes.Count("outcome", "ok");
            return tokenPair;
        }
        catch (UnauthorizedException)
        {
            CalMetrics.TokenRefreshes.Count("outcome", "refused");
            throw;
        }
    }

    private async Task<TokenPairDto> RefreshAsync(RefreshTokensCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pair =
            command.RefreshToken.StartsWith(IPlatformSecrets.RefreshTokenPrefix, StringComparison.Ordinal)
            && command.RefreshToken.Length <= 200
                ? await tokens.FindByRefreshTokenHashAsync(secrets.Hash(command.RefreshToken), cancellationToken)
                : null;
        if (pair is null || pair.OAuthClientId != command.Client.Id || pair.IsRevoked)
        {
            throw new UnauthorizedException(InvalidRefreshToken);
        }

        if (pair.RotatedAt is not null)
        {
            await RevokeFamilyAsync(pair.FamilyId, pair.UserId, now, cancellationToken);
            throw new UnauthorizedException(InvalidRefreshToken);
        }

        if (!pair.CanRefreshAt(now))
        {
            throw new UnauthorizedException(InvalidRefreshToken);
        }

        pair.Rotate(now);
        var (next, plaintext) = issuer.Issue(pair.FamilyId, pair.UserId, pair.OAuthClientId);
        if (!await tokens.TryRotateAsync(pair.Id, next, now, cancellationToken))
        {
            // Another request exchanged the same token a moment ago: the same reuse, seen concurrently.
            await RevokeFamilyAsync(pair.FamilyId, pair.UserId, now, cancellationToken);
            throw new UnauthorizedException(InvalidRefreshToken);
        }

        await issuer.IssuedAsync(next);
        return plaintext;
    }

    private async Task RevokeFamilyAsync(string familyId, int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revoked = await tokens.RevokeFamilyAsync(familyId, now, cancellationToken);
        await authCache.InvalidateAsync(Authentication.AuthenticatedCaller.TokenFamilyPartition(familyId));
        CalMetrics.TokenFamilyRevocations.Add(1);
        LogReuse(logger, userId, revoked);
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "A rotated refresh token of managed user {UserId} was presented again; its token family was revoked ({Revoked} "
            + "token pairs)"
    )]
    private static partial void LogReuse(ILogger logger, int userId, int revoked);
}
