using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;

/// <summary>
/// The <c>x-cal-secret-key</c> check of the platform endpoints, made before the body is looked at: the client
/// named in the URL exists and the secret hashes to its stored hash, compared in constant time (cal.com
/// compares plain text with <c>!==</c>). An unknown client and a wrong secret get the same answer.
/// </summary>
public sealed record AuthenticateOAuthClientQuery(string ClientId, string? Secret) : IQuery<OAuthClientRef>;

/// <summary>An authenticated OAuth client: its database id and its public id.</summary>
public sealed record OAuthClientRef(int Id, string ClientId);

public sealed class AuthenticateOAuthClientQueryHandler(IOAuthClientRepository clients, IPlatformSecrets secrets)
    : IQueryHandler<AuthenticateOAuthClientQuery, OAuthClientRef>
{
    public const string InvalidCredentials = "Invalid OAuth client id or secret.";

    // Compared against when the client is unknown, so the answer takes the same time either way.
    private const string UnknownClientHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public async ValueTask<OAuthClientRef> Handle(AuthenticateOAuthClientQuery query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(query.Secret))
        {
            throw new UnauthorizedException("Missing x-cal-secret-key header.");
        }

        var client = query.ClientId.Length is > 0 and <= 64 ? await clients.FindByClientIdAsync(query.ClientId, cancellationToken) : null;
        var matches = secrets.Matches(query.Secret, client?.SecretHash ?? UnknownClientHash);
        return client is not null && matches
            ? new OAuthClientRef(client.Id, client.ClientId)
            : throw new UnauthorizedException(InvalidCredentials);
    }
}
