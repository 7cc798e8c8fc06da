using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.ApiKeys.Queries.AuthenticateApiKey;

/// <summary>Who, if anyone, a bearer <c>cal_</c> key belongs to. Null for any kind of failure, so callers cannot tell them apart.</summary>
public sealed record AuthenticateApiKeyQuery(string Token) : IQuery<AuthenticatedCaller?>;

public sealed record AuthenticatedCaller(int UserId, string Email, string TimeZone, int ApiKeyId);

public sealed class AuthenticateApiKeyQueryHandler(IApiKeyRepository apiKeys, IUserRepository users, IApiKeyGenerator generator, TimeProvider time)
    : IQueryHandler<AuthenticateApiKeyQuery, AuthenticatedCaller?>
{
    public const string Prefix = "cal_";

    public async ValueTask<AuthenticatedCaller?> Handle(AuthenticateApiKeyQuery query, CancellationToken cancellationToken)
    {
        if (!query.Token.StartsWith(Prefix, StringComparison.Ordinal) || query.Token.Length is < 20 or > 200)
        {
            return null;
        }

        // Looked up by hash: the stored value is never compared with the plaintext.
        var key = await apiKeys.FindByHashAsync(generator.Hash(query.Token), cancellationToken);
        if (key is null || !key.IsUsableAt(time.GetUtcNow()))
        {
            return null;
        }

        var user = await users.FindByIdAsync(key.UserId, cancellationToken);
        return user is null ? null : new AuthenticatedCaller(user.Id, user.Email, user.TimeZone, key.Id);
    }
}
