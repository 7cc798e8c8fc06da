using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class CredentialRepository(CalDbContext db) : ICredentialRepository
{
    public Task<Credential> SaveIcsFeedAsync(int userId, string protectedKey, CancellationToken cancellationToken) =>
        SaveAsync(userId, CalendarApps.IcsFeed.Type, CalendarApps.IcsFeed.AppId, account: "", protectedKey, cancellationToken);

    public async Task<Credential> SaveAsync(
        int userId,
        string type,
        string appId,
        string account,
        string protectedKey,
        CancellationToken cancellationToken
    )
    {
        // Each statement below is atomic on its own; the unique (UserId, Type, Account) index settles a race between
        // two first saves: the loser's insert fails and it replaces the winner's secret instead.
        if (await ReplaceKeyAsync(userId, type, account, protectedKey, cancellationToken) == 0)
        {
            var credential = Credential.Create(userId, type, appId, protectedKey, account);
            db.Credentials.Add(credential);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.Entry(credential).State = EntityState.Detached;
                return credential;
            }
            catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
            {
                db.Entry(credential).State = EntityState.Detached;
                if (await ReplaceKeyAsync(userId, type, account, protectedKey, cancellationToken) == 0)
                {
                    throw;
                }
            }
            catch (DbUpdateException ex) when (DatabaseErrors.IsForeignKeyViolation(ex))
            {
                // The user was deleted while this save was in flight: nothing is stored, and the caller is no one now.
                db.Entry(credential).State = EntityState.Detached;
                throw new Application.Common.Exceptions.UnauthorizedException("This user no longer exists.");
            }
        }

        return await db
            .Credentials.AsNoTracking()
            .SingleAsync(c => c.UserId == userId && c.Type == type && c.Account == account, cancellationToken);
    }

    public Task<Credential?> FindByUserAndTypeAsync(int userId, string type, CancellationToken cancellationToken) =>
        db
            .Credentials.AsNoTracking()
            .Where(c => c.UserId == userId && c.Type == type)
            .OrderBy(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<Credential>> ListForUserAndTypeAsync(int userId, string type, CancellationToken cancellationToken) =>
        await db
            .Credentials.AsNoTracking()
            .Where(c => c.UserId == userId && c.Type == type)
            .OrderBy(c => c.Id)
            .ToListAsync(cancellationToken);

    public Task<Credential?> FindForUserAsync(int userId, int credentialId, CancellationToken cancellationToken) =>
        db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == credentialId && c.UserId == userId, cancellationToken);

    public async Task<IReadOnlyList<Credential>> ListForUserAsync(int userId, CancellationToken cancellationToken) =>
        await db.Credentials.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.Id).ToListAsync(cancellationToken);

    public async Task<bool> UpdateKeyAsync(int userId, int credentialId, string protectedKey, CancellationToken cancellationToken) =>
        await db
            .Credentials.Where(c => c.Id == credentialId && c.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedKey, protectedKey), cancellationToken) > 0;

    public async Task<bool> DeleteForUserAsync(int userId, int credentialId, CancellationToken cancellationToken) =>
        await db.Credentials.Where(c => c.Id == credentialId && c.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;

    private Task<int> ReplaceKeyAsync(int userId, string type, string account, string protectedKey, CancellationToken cancellationToken) =>
        db
            .Credentials.Where(c => c.UserId == userId && c.Type == type && c.Account == account)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.ProtectedKey, protectedKey).SetProperty(c => c.Invalid, false),
                cancellationToken
            );
}
