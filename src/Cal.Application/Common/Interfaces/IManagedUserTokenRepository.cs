using Cal.Domain.Platform;
using Cal.Domain.Users;

namespace Cal.Application.Common.Interfaces;

public interface IManagedUserTokenRepository
{
    Task<ManagedUserTokens?> FindByAccessTokenHashAsync(string accessTokenHash, CancellationToken cancellationToken);

    Task<ManagedUserTokens?> FindByRefreshTokenHashAsync(string refreshTokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a managed user and its first token pair in one transaction (a failure leaves neither);
    /// fails with <see cref="Exceptions.ConflictException"/> when the email is taken.
    /// </summary>
    Task AddUserWithTokensAsync(User user, Func<User, ManagedUserTokens> firstTokens, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the pair rotated and adds the next one, in one transaction, only if the pair was neither rotated
    /// nor revoked at that moment (two refreshes racing with one token: one wins). False when it was.
    /// </summary>
    Task<bool> TryRotateAsync(int pairId, ManagedUserTokens next, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every pair of the family; returns how many were still unrevoked.</summary>
    Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes every token family of the user and stores <paramref name="next"/> (a new family) in one transaction;
    /// returns the families revoked.
    /// </summary>
    Task<IReadOnlyList<string>> ReplaceAllFamiliesAsync(
        int userId,
        ManagedUserTokens next,
        DateTimeOffset now,
        CancellationToken cancellationToken
    );

    /// <summary>The user's token families (for dropping them from the authentication cache).</summary>
    Task<IReadOnlyList<string>> FamiliesOfUserAsync(int userId, CancellationToken cancellationToken);
}
