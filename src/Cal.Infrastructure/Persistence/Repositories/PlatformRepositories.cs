using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class OAuthClientRepository(CalDbContext db) : IOAuthClientRepository
{
    public Task<OAuthClient?> FindByClientIdAsync(string clientId, CancellationToken cancellationToken) =>
        db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);

    public async Task AddAsync(OAuthClient client, CancellationToken cancellationToken)
    {
        db.OAuthClients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
    }
}

internal sealed class ManagedUserTokenRepository(CalDbContext db) : IManagedUserTokenRepository
{
    public Task<ManagedUserTokens?> FindByAccessTokenHashAsync(string accessTokenHash, CancellationToken cancellationToken) =>
        FindWithFamilyAsync(db.ManagedUserTokens.Where(t => t.AccessTokenHash == accessTokenHash), cancellationToken);

    public Task<ManagedUserTokens?> FindByRefreshTokenHashAsync(string refreshTokenHash, CancellationToken cancellationToken) =>
        FindWithFamilyAsync(db.ManagedUserTokens.Where(t => t.RefreshTokenHash == refreshTokenHash), cancellationToken);

    /// <summary>
    /// The pair, revoked if any pair of its family is: a revocation marks the rows it sees, and a rotation committing beside
    /// it can insert one it did not see. The family is revoked once any of its rows is (rows are never un-revoked).
    /// </summary>
    private async Task<ManagedUserTokens?> FindWithFamilyAsync(IQueryable<ManagedUserTokens> pairs, CancellationToken cancellationToken)
    {
        var found = await pairs
            .AsNoTracking()
            .Select(t => new
            {
                Pair = t,
                FamilyRevokedAt = db
                    .ManagedUserTokens.Where(o => o.FamilyId == t.FamilyId && o.RevokedAt != null)
                    .Select(o => o.RevokedAt)
                    .FirstOrDefault(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        if (found.FamilyRevokedAt is { } at)
        {
            found.Pair.Revoke(at); // revoked with its family, though this row was not marked
        }

        return found.Pair;
    }

    public async Task AddUserWithTokensAsync(User user, Func<User, ManagedUserTokens> firstTokens, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            db.Entry(user).State = EntityState.Detached;
            await transaction.RollbackAsync(cancellationToken); // (PostgreSQL refuses any statement in a failed transaction)
            throw await UserRepository.DuplicateEmailAsync(db, user.Email, cancellationToken);
        }

        db.ManagedUserTokens.Add(firstTokens(user));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> TryRotateAsync(int pairId, ManagedUserTokens next, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Conditional update: of two requests racing with one refresh token, only one changes the row; and none
        // once the family is revoked (whichever of its rows the revocation marked).
        var rotated = await db
            .ManagedUserTokens.Where(t =>
                t.Id == pairId
                && t.RotatedAt == null
                && t.RevokedAt == null
                && !db.ManagedUserTokens.Any(o => o.FamilyId == t.FamilyId && o.RevokedAt != null)
            )
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RotatedAt, now), cancellationToken);
        if (rotated == 0)
        {
            return false;
        }

        db.ManagedUserTokens.Add(next);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db
            .ManagedUserTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);

    public async Task<IReadOnlyList<string>> ReplaceAllFamiliesAsync(
        int userId,
        ManagedUserTokens next,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var families = await db.TokenFamiliesOf(userId).ToListAsync(cancellationToken);
        await db
            .ManagedUserTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        db.ManagedUserTokens.Add(next);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsForeignKeyViolation(ex))
        {
            throw new NotFoundException($"Managed user {userId} not found.");
        }
        finally
        {
            db.Entry(next).State = EntityState.Detached;
        }

        await transaction.CommitAsync(cancellationToken);
        return families;
    }

    public async Task<IReadOnlyList<string>> FamiliesOfUserAsync(int userId, CancellationToken cancellationToken) =>
        await db.TokenFamiliesOf(userId).ToListAsync(cancellationToken);
}
