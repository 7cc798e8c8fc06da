using Cal.Application.Common.Interfaces;
using Cal.Domain.ApiKeys;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class ApiKeyRepository(CalDbContext db) : IApiKeyRepository
{
    public Task<ApiKey?> FindByHashAsync(string hashedKey, CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.HashedKey == hashedKey, cancellationToken);

    public async Task AddAsync(ApiKey apiKey, CancellationToken cancellationToken)
    {
        db.ApiKeys.Add(apiKey);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<int>> RevokeAllForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A user's keys are few; "revoked from later" is decided here, as SQLite cannot compare DateTimeOffset values in SQL.
        var keys = (await db.ApiKeys.Where(k => k.UserId == userId).ToListAsync(cancellationToken))
            .Where(k => k.RevokedAt is null || k.RevokedAt > now)
            .ToList();
        keys.ForEach(k => k.Revoke(now));
        await db.SaveChangesAsync(cancellationToken);
        return keys.Select(k => k.Id).Order().ToList();
    }

    public async Task<bool> ReplaceAsync(
        int userId,
        int currentApiKeyId,
        ApiKey replacement,
        DateTimeOffset now,
        DateTimeOffset revokeAt,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var current = await db
            .ApiKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.Id == currentApiKeyId && k.UserId == userId, cancellationToken);
        if (current is null || current.RevokedAt is not null || (current.ExpiresAt is { } expiresAt && expiresAt <= now))
        {
            return false;
        }

        // The conditional update decides a race: of two refreshes with one key, or a refresh and a revocation, one wins.
        var revoked = await db
            .ApiKeys.Where(k => k.Id == currentApiKeyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.RevokedAt, revokeAt), cancellationToken);
        if (revoked != 1)
        {
            return false;
        }

        db.ApiKeys.Add(replacement);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
