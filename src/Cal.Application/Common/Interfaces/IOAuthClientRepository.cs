using Cal.Domain.Platform;

namespace Cal.Application.Common.Interfaces;

public interface IOAuthClientRepository
{
    Task<OAuthClient?> FindByClientIdAsync(string clientId, CancellationToken cancellationToken);

    Task AddAsync(OAuthClient client, CancellationToken cancellationToken);
}
