using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.ApiKeys;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cal.Application.ApiKeys.Commands.RefreshApiKey;

/// <summary>
/// cal.com's <c>POST /v2/api-keys/refresh</c>: a new key for the same owner; the key used for the call is
/// revoked (after <see cref="ApiKeyOptions.RefreshGracePeriod"/>, so a fleet can roll over). Optional
/// validity as cal.com takes it: <c>apiKeyDaysValid</c> (default 30) or <c>apiKeyNeverExpires</c>.
/// </summary>
public sealed record RefreshApiKeyCommand(int UserId, int CurrentApiKeyId, int? DaysValid, bool? NeverExpires)
    : ICommand<string>,
        IValidated;

public sealed class RefreshApiKeyCommandHandler(
    IApiKeyRepository apiKeys,
    IApiKeyGenerator generator,
    IAuthenticationCache authCache,
    TimeProvider time,
    IOptions<ApiKeyOptions> options
) : ICommandHandler<RefreshApiKeyCommand, string>
{
    public async ValueTask<string> Handle(RefreshApiKeyCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plaintext = generator.Generate();
        var expiresAt = command.NeverExpires == true ? (DateTimeOffset?)null : now.AddDays(command.DaysValid ?? 30);
        var replacement = ApiKey.Issue(command.UserId, generator.Hash(plaintext), now, expiresAt);

        // Decided by the database, not by the (up to Auth:CacheDuration old) validation that let this call in.
        if (
            !await apiKeys.ReplaceAsync(
                command.UserId,
                command.CurrentApiKeyId,
                replacement,
                now,
                now + options.Value.RefreshGracePeriod,
                cancellationToken
            )
        )
        {
            throw new UnauthorizedException("The API key used has been revoked or has expired.");
        }

        // The key's cached validation would not know of its revocation: drop it, so it ends here at once.
        await authCache.InvalidateAsync(Authentication.AuthenticatedCaller.ApiKeyPartition(command.CurrentApiKeyId));
        await authCache.ForgetInvalidAsync(replacement.HashedKey);
        return plaintext;
    }
}
