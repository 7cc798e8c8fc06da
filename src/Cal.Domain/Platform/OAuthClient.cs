using Cal.Domain.Common;

namespace Cal.Domain.Platform;

/// <summary>
/// A platform customer's OAuth client: it creates managed users on its own behalf and refreshes their
/// tokens. Only a hash of its secret is kept (cal.com keeps the secret itself).
/// </summary>
public sealed class OAuthClient : Entity
{
    private OAuthClient(string clientId, string name, string secretHash, DateTimeOffset createdAt)
    {
        ClientId = clientId;
        Name = name;
        SecretHash = secretHash;
        CreatedAt = createdAt;
    }

    /// <summary>The public identifier used in URLs (<c>/v2/oauth-clients/{clientId}/users</c>).</summary>
    public string ClientId { get; private set; }

    public string Name { get; private set; }

    public string SecretHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static OAuthClient Register(string clientId, string name, string secretHash, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretHash);
        return new OAuthClient(clientId, name.Trim(), secretHash, now);
    }
}
