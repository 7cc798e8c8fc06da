using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

public interface ICredentialRepository
{
    /// <summary>
    /// Stores the user's one ICS-feed credential: replaces the secret of an existing one (keeping its id
    /// and clearing <c>invalid</c>) or creates it. Atomic; concurrent calls for one user never make two rows.
    /// </summary>
    Task<Credential> SaveIcsFeedAsync(int userId, string protectedKey, CancellationToken cancellationToken);

    /// <summary>
    /// Stores one account's credential (user, type and <paramref name="account"/> identify it): replaces the secret of an
    /// existing one (keeping its id and clearing <c>invalid</c>) or creates it. Atomic, as <see cref="SaveIcsFeedAsync"/>.
    /// </summary>
    Task<Credential> SaveAsync(
        int userId,
        string type,
        string appId,
        string account,
        string protectedKey,
        CancellationToken cancellationToken
    );

    /// <summary>The user's first (oldest) credential of this type, or null.</summary>
    Task<Credential?> FindByUserAndTypeAsync(int userId, string type, CancellationToken cancellationToken);

    /// <summary>The user's credentials of this type, oldest first.</summary>
    Task<IReadOnlyList<Credential>> ListForUserAndTypeAsync(int userId, string type, CancellationToken cancellationToken);

    /// <summary>The user's credential with this id, or null when there is none or it belongs to someone else.</summary>
    Task<Credential?> FindForUserAsync(int userId, int credentialId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Credential>> ListForUserAsync(int userId, CancellationToken cancellationToken);

    /// <summary>Replaces the secret of the user's credential (its calendars were revalidated); false when it is gone.</summary>
    Task<bool> UpdateKeyAsync(int userId, int credentialId, string protectedKey, CancellationToken cancellationToken);

    /// <summary>Deletes the user's credential (and with it its secret); false when there was none to delete.</summary>
    Task<bool> DeleteForUserAsync(int userId, int credentialId, CancellationToken cancellationToken);
}
