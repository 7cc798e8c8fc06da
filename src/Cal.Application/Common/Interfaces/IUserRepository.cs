using Cal.Domain.Users;

namespace Cal.Application.Common.Interfaces;

public interface IUserRepository
{
    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(int id, CancellationToken cancellationToken);

    /// <summary>The managed users of one OAuth client, oldest first.</summary>
    Task<IReadOnlyList<User>> ListManagedAsync(int oAuthClientId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Adds the user and saves; fails with <see cref="Exceptions.ConflictException"/> when the email is taken.</summary>
    Task AddAsync(User user, CancellationToken cancellationToken);
}
