using Cal.Application.Authentication;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Platform;
using Microsoft.Extensions.Options;

namespace Cal.Application.Platform.Tokens;

/// <summary>
/// Makes a managed user's token pair: plaintext for the caller, hashes for the database. A hash just issued is
/// forgotten by the authentication cache's memory of tokens that matched nothing.
/// </summary>
public sealed class TokenIssuer(IPlatformSecrets secrets, IAuthenticationCache cache, TimeProvider time, IOptions<AuthOptions> options)
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
            options.Value.RefreshTokenLifetime
        );
        return (
            stored,
            new TokenPairDto(
                access,
                refresh,
                stored.AccessTokenExpiresAt.ToUnixTimeMilliseconds(),
                stored.RefreshTokenExpiresAt.ToUnixTimeMilliseconds()
            )
        );
    }

    /// <summary>Once the pair is stored: no memory of its access token having matched nothing may stand (here or in the fleet).</summary>
    public ValueTask IssuedAsync(ManagedUserTokens stored) => cache.ForgetInvalidAsync(stored.AccessTokenHash);
}
