using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

public interface ICredentialRepository
{
    /// <summary>
    /// Stores the user's one ICS-feed credential: replaces the secret of an existing one (keeping its id
    /// and clearing <c>invalid</c>) or creates it. Atomic; concurrent calls for one user never make two rows.
    /// </summary>
    Task<Credential> SaveIcsFeedAsync(int userId, string protectedKey, CancellationToken cancellationToken);

    Task<Credential?> FindByUserAndTypeAsync(int userId, string type, CancellationToken cancellationToken);
}
