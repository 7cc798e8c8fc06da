using Cal.Application.Authentication;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Platform;
using Microsoft.Extensions.Options;

namespace Cal.Application.Platform.Tokens;

/// <summary>Makes a managed user's token pair: plaintext for the caller, hashes for the database.</summary>
public sealed class TokenIssuer(IPlatformSecrets secrets, TimeProvider time, IOptions<AuthOptions> options)
{
    public (ManagedUserTokens Stored, TokenPairDto Plaintext) Issue(string familyId, int userId, int oAuthClientId)
    {
        var access = secrets.NewAccessToken();
        var refresh = secrets.NewRefreshToken();
        var stored = ManagedUserTokens.Issue(
            familyId,
            userId,
            oAuthClientId,
            secrets.Hash(access),
            secrets.Hash(refresh),
            time.GetUtcNow(),
            options.Value.AccessTokenLifetime,
            options.Value.RefreshTokenLifetime);
        return (stored, new TokenPairDto(access, refresh, stored.AccessTokenExpiresAt.ToUnixTimeMilliseconds(), stored.RefreshTokenExpiresAt.ToUnixTimeMilliseconds()));
    }
}
