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
        var keys = await db.ApiKeys.Where(k => k.UserId == userId && k.RevokedAt == null).ToListAsync(cancellationToken);
        keys.ForEach(k => k.Revoke(now));
        await db.SaveChangesAsync(cancellationToken);
        return keys.Select(k => k.Id).Order().ToList();
    }

    public async Task<bool> RevokeAsync(int userId, int apiKeyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == apiKeyId && k.UserId == userId && k.RevokedAt == null, cancellationToken);
        if (key is null)
        {
            return false;
        }

        key.Revoke(at);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
