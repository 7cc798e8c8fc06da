using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.ApiKeys.Commands.RevokeApiKeys;

/// <summary>Admin: revoke every key of a user (a leaked key, a departing user). Returns the revoked keys' ids.</summary>
public sealed record RevokeApiKeysCommand(string Email) : ICommand<IReadOnlyList<int>>;

public sealed class RevokeApiKeysCommandHandler(IUserRepository users, IApiKeyRepository apiKeys, TimeProvider time)
    : ICommandHandler<RevokeApiKeysCommand, IReadOnlyList<int>>
{
    public async ValueTask<IReadOnlyList<int>> Handle(RevokeApiKeysCommand command, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(command.Email.Trim().ToLowerInvariant(), cancellationToken)
            ?? throw new NotFoundException($"No user with email {command.Email}.");
        return await apiKeys.RevokeAllForUserAsync(user.Id, time.GetUtcNow(), cancellationToken);
    }
}
