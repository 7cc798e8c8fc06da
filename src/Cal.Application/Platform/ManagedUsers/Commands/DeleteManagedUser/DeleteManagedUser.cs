using AutoMapper;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Cal.Application.Platform.ManagedUsers.Commands.DeleteManagedUser;

/// <summary>
/// cal.com's <c>DELETE /v2/oauth-clients/{clientId}/users/{userId}</c>: the user and everything that is theirs (tokens,
/// credentials, API keys) in one transaction; the answer is the user as it was. Every token of theirs is refused from
/// then on (at once here; by other instances of a fleet within <c>Auth:CacheDuration</c>). A second delete is <c>404</c>.
/// </summary>
public sealed record DeleteManagedUserCommand(OAuthClientRef Client, int UserId) : ICommand<ManagedUserDto>;

public sealed partial class DeleteManagedUserCommandHandler(
    IUserRepository users,
    IAuthenticationCache cache,
    ILogger<DeleteManagedUserCommandHandler> logger,
    IMapper mapper
) : ICommandHandler<DeleteManagedUserCommand, ManagedUserDto>
{
    public async ValueTask<ManagedUserDto> Handle(DeleteManagedUserCommand command, CancellationToken cancellationToken)
    {
        var user = await OwnedManagedUser.FindAsync(users, command.Client, command.UserId, cancellationToken);
        var deleted =
            await users.DeleteWithEverythingAsync(user.Id, cancellationToken)
            ?? throw new NotFoundException($"Managed user {command.UserId} not found for this OAuth client.");
        await OwnedManagedUser.ForgetCachedCredentialsAsync(cache, deleted.TokenFamilies, deleted.ApiKeyIds);
        LogDeleted(logger, user.Id, deleted.TokenFamilies.Count);
        return mapper.Map<ManagedUserDto>(user);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Managed user {UserId} deleted with everything theirs ({Families} token families)"
    )]
    private static partial void LogDeleted(ILogger logger, int userId, int families);
}
