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

    public async Task<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        // A username is the slugified email: every '-' stands for a run of other characters. Candidates by LIKE, then exactly.
        if (username.Length is 0 or > 320 || !username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return null;
        }

        var pattern = username.Replace('-', '%');
        var candidates = await db
            .Users.AsNoTracking()
            .Where(u => EF.Functions.Like(u.Email, pattern))
            .Take(100)
            .ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(u => u.Username == username);
    }

    public async Task<IReadOnlyList<User>> ListManagedAsync(
        int oAuthClientId,
        int offset,
        int limit,
        IReadOnlyCollection<string>? emails,
        CancellationToken cancellationToken
    )
    {
        var users = db.Users.AsNoTracking().Where(u => u.OAuthClientId == oAuthClientId);
        if (emails is not null)
        {
            users = users.Where(u => emails.Contains(u.Email));
        }

        return await users.OrderBy(u => u.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
    }

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

    public async Task UpdateAsync(User user, CancellationToken cancellationToken)
    {
        db.Users.Update(user);

        // The default schedule is the schedules' to set (ScheduleRepository, in its own transaction): a profile update
        // racing it must not write back the value it read.
        db.Entry(user).Property(u => u.DefaultScheduleId).IsModified = false;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            throw await DuplicateEmailAsync(db, user.Email, cancellationToken);
        }
        finally
        {
            db.Entry(user).State = EntityState.Detached;
        }
    }

    public async Task<DeletedUser?> DeleteWithEverythingAsync(int userId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var families = await db.TokenFamiliesOf(userId).ToListAsync(cancellationToken);
        var keys = await db.ApiKeys.Where(k => k.UserId == userId).Select(k => k.Id).ToListAsync(cancellationToken);
        await db.ManagedUserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Credentials.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Schedules.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.EventTypes.Where(e => e.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.ApiKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        if (await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return null;
        }

        await transaction.CommitAsync(cancellationToken);
        return new DeletedUser(families, keys);
    }

    /// <summary>cal.com's conflict, naming the user who has the email: "... Existing user ID=7".</summary>
    internal static async Task<ConflictException> DuplicateEmailAsync(CalDbContext db, string email, CancellationToken cancellationToken)
    {
        var holder = await db
            .Users.AsNoTracking()
            .Where(u => u.Email == email)
            .Select(u => (int?)u.Id)
            .SingleOrDefaultAsync(cancellationToken);
        return new ConflictException($"User with the provided e-mail already exists.{(holder is { } id ? $" Existing user ID={id}" : "")}");
    }
}
