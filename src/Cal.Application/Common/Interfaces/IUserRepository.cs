using Cal.Domain.Users;

namespace Cal.Application.Common.Interfaces;

public interface IUserRepository
{
    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(int id, CancellationToken cancellationToken);

    /// <summary>The user whose <see cref="User.Username"/> (the slugified email) this is, or null.</summary>
    Task<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken);

    /// <summary>The managed users of one OAuth client, oldest first; only those with one of <paramref name="emails"/> when given.</summary>
    Task<IReadOnlyList<User>> ListManagedAsync(
        int oAuthClientId,
        int offset,
        int limit,
        IReadOnlyCollection<string>? emails,
        CancellationToken cancellationToken
    );

    /// <summary>Adds the user and saves; fails with <see cref="Exceptions.ConflictException"/> when the email is taken.</summary>
    Task AddAsync(User user, CancellationToken cancellationToken);

    /// <summary>Saves changes to the user; fails with <see cref="Exceptions.ConflictException"/> when the new email is taken.</summary>
    Task UpdateAsync(User user, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the user and everything that is theirs (tokens, credentials, API keys) in one transaction; false when there
    /// was no such user. Returns, for the authentication cache, the token families and API keys that existed.
    /// </summary>
    Task<DeletedUser?> DeleteWithEverythingAsync(int userId, CancellationToken cancellationToken);
}

/// <summary>What a deleted user's credentials were known by, so every cache of them can be dropped.</summary>
public sealed record DeletedUser(IReadOnlyList<string> TokenFamilies, IReadOnlyList<int> ApiKeyIds);
