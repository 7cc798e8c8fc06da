namespace Cal.Application.Common.Interfaces;

/// <summary>Random identifiers and secrets for the platform API, and the one-way hash stored in their place.</summary>
public interface IPlatformSecrets
{
    /// <summary>A new public OAuth client id.</summary>
    string NewClientId();

    /// <summary>A new OAuth client secret (shown once).</summary>
    string NewClientSecret();

    /// <summary>A new managed-user access token; see <see cref="AccessTokenPrefix"/>.</summary>
    string NewAccessToken();

    string NewRefreshToken();

    /// <summary>A new token family id, shared by a managed user's successive token pairs.</summary>
    string NewFamilyId();

    string Hash(string secret);

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    bool Matches(string secret, string storedHash);

    const string AccessTokenPrefix = "calat_";

    const string RefreshTokenPrefix = "calrt_";
}
