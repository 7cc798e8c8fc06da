using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.ApiKeys.Commands.RevokeApiKeys;

/// <summary>
/// Admin: revoke every key of a user (a leaked key, a departing user). Returns the revoked keys' ids. Each key's cached
/// validations are dropped through the authentication cache, which in a fleet (Redis) tells every running instance.
/// </summary>
public sealed record RevokeApiKeysCommand(string Email) : ICommand<IReadOnlyList<int>>;

public sealed class RevokeApiKeysCommandHandler(
    IUserRepository users,
    IApiKeyRepository apiKeys,
    IAuthenticationCache authCache,
    TimeProvider time
) : ICommandHandler<RevokeApiKeysCommand, IReadOnlyList<int>>
{
    public async ValueTask<IReadOnlyList<int>> Handle(RevokeApiKeysCommand command, CancellationToken cancellationToken)
    {
        var user =
            await users.FindByEmailAsync(command.Email.Trim().ToLowerInvariant(), cancellationToken)
            ?? throw new NotFoundException($"No user with email {command.Email}.");
        var revoked = await apiKeys.RevokeAllForUserAsync(user.Id, time.GetUtcNow(), cancellationToken);
        foreach (var id in revoked)
        {
            await authCache.InvalidateAsync(Authentication.AuthenticatedCaller.ApiKeyPartition(id));
        }

        return revoked;
    }
}
