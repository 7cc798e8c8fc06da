using Cal.Domain.ApiKeys;

namespace Cal.Application.Common.Interfaces;

public interface IApiKeyRepository
{
    Task<ApiKey?> FindByHashAsync(string hashedKey, CancellationToken cancellationToken);

    Task AddAsync(ApiKey apiKey, CancellationToken cancellationToken);
}
