using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class UserRepository(CalDbContext db) : IUserRepository
{
    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email, cancellationToken);

    public Task<User?> FindByIdAsync(int id, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);

    public async Task<IReadOnlyList<User>> ListManagedAsync(int oAuthClientId, int offset, int limit, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.OAuthClientId == oAuthClientId).OrderBy(u => u.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);

    public async Task AddAsync(User user, CancellationToken cancellationToken)
    {
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            db.Entry(user).State = EntityState.Detached;
            throw new ConflictException($"A user with email {user.Email} already exists.");
        }
    }
}
