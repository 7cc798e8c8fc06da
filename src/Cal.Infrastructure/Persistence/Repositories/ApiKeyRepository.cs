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
}
