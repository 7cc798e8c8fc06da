using Cal.Domain.Users;

namespace Cal.Application.Common.Interfaces;

public interface IUserRepository
{
    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(int id, CancellationToken cancellationToken);

    /// <summary>Adds the user and saves; fails with <see cref="Exceptions.ConflictException"/> when the email is taken.</summary>
    Task AddAsync(User user, CancellationToken cancellationToken);
}
