using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Domain.Users;

namespace Cal.Application.Platform.ManagedUsers.Common;

/// <summary>A managed user of the calling OAuth client; another client's user, or no user, is not found (the same answer).</summary>
public static class OwnedManagedUser
{
    public static async Task<User> FindAsync(IUserRepository users, OAuthClientRef client, int userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user && user.OAuthClientId == client.Id
            ? user
            : throw new NotFoundException($"Managed user {userId} not found for this OAuth client.");

    /// <summary>Drops, in this process, every cached validation of the user's tokens and keys.</summary>
    public static void ForgetCachedCredentials(IAuthenticationCache cache, IEnumerable<string> tokenFamilies, IEnumerable<int>? apiKeyIds = null)
    {
        foreach (var family in tokenFamilies)
        {
            cache.Invalidate(Authentication.AuthenticatedCaller.TokenFamilyPartition(family));
        }

        foreach (var key in apiKeyIds ?? [])
        {
            cache.Invalidate(Authentication.AuthenticatedCaller.ApiKeyPartition(key));
        }
    }
}
