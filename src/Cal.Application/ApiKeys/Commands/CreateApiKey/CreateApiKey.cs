using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.ApiKeys;
using Mediator;

namespace Cal.Application.ApiKeys.Commands.CreateApiKey;

/// <summary>Issues an API key for a user. The plaintext is returned once and only its hash is stored.</summary>
public sealed record CreateApiKeyCommand(string Email, int? ExpiresInDays) : ICommand<string>, IValidated;

public sealed class CreateApiKeyCommandHandler(
    IUserRepository users,
    IApiKeyRepository apiKeys,
    IApiKeyGenerator generator,
    IAuthenticationCache authCache,
    TimeProvider time
) : ICommandHandler<CreateApiKeyCommand, string>
{
    public async ValueTask<string> Handle(CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        var user =
            await users.FindByEmailAsync(command.Email.Trim().ToLowerInvariant(), cancellationToken)
            ?? throw new NotFoundException($"No user with email {command.Email}.");

        var now = time.GetUtcNow();
        var plaintext = generator.Generate();
        var expiresAt = command.ExpiresInDays is { } days ? now.AddDays(days) : (DateTimeOffset?)null;
        var hash = generator.Hash(plaintext);
        await apiKeys.AddAsync(ApiKey.Issue(user.Id, hash, now, expiresAt), cancellationToken);
        await authCache.ForgetInvalidAsync(hash); // issued: no memory of it having matched nothing may stand
        return plaintext;
    }
}
