using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Domain.Users;

namespace Cal.Application.Platform.ManagedUsers.Common;

/// <summary>A managed user of the calling OAuth client; another client's user, or no user, is not found (the same answer).</summary>
public static class OwnedManagedUser
{
    public static async Task<User> FindAsync(
        IUserRepository users,
        OAuthClientRef client,
        int userId,
        CancellationToken cancellationToken
    ) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user && user.OAuthClientId == client.Id
            ? user
            : throw new NotFoundException($"Managed user {userId} not found for this OAuth client.");

    /// <summary>Drops, here and in the fleet, every cached validation of the user's tokens and keys.</summary>
    public static async Task ForgetCachedCredentialsAsync(
        IAuthenticationCache cache,
        IEnumerable<string> tokenFamilies,
        IEnumerable<int>? apiKeyIds = null
    )
    {
        foreach (var family in tokenFamilies)
        {
            await cache.InvalidateAsync(Authentication.AuthenticatedCaller.TokenFamilyPartition(family));
        }

        foreach (var key in apiKeyIds ?? [])
        {
            await cache.InvalidateAsync(Authentication.AuthenticatedCaller.ApiKeyPartition(key));
        }
    }
}
