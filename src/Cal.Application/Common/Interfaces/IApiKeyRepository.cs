using Cal.Domain.ApiKeys;

namespace Cal.Application.Common.Interfaces;

public interface IApiKeyRepository
{
    Task<ApiKey?> FindByHashAsync(string hashedKey, CancellationToken cancellationToken);

    Task AddAsync(ApiKey apiKey, CancellationToken cancellationToken);

    /// <summary>Revokes every key of the user not yet revoked; returns their ids.</summary>
    Task<IReadOnlyList<int>> RevokeAllForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes one of the user's keys, at <paramref name="at"/> (now, or later for a grace period); false when it is not theirs or already revoked.</summary>
    Task<bool> RevokeAsync(int userId, int apiKeyId, DateTimeOffset at, CancellationToken cancellationToken);
}
