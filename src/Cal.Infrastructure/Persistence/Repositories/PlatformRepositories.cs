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
        db.ManagedUserTokens.AsNoTracking().SingleOrDefaultAsync(t => t.AccessTokenHash == accessTokenHash, cancellationToken);

    public Task<ManagedUserTokens?> FindByRefreshTokenHashAsync(string refreshTokenHash, CancellationToken cancellationToken) =>
        db.ManagedUserTokens.AsNoTracking().SingleOrDefaultAsync(t => t.RefreshTokenHash == refreshTokenHash, cancellationToken);

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
            throw new ConflictException("A managed user with this email already exists for this OAuth client.");
        }

        db.ManagedUserTokens.Add(firstTokens(user));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> TryRotateAsync(int pairId, ManagedUserTokens next, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Conditional update: of two requests racing with one refresh token, only one changes the row.
        var rotated = await db.ManagedUserTokens
            .Where(t => t.Id == pairId && t.RotatedAt == null && t.RevokedAt == null)
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
        db.ManagedUserTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
}
