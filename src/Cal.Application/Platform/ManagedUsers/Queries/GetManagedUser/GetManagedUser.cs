using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Mediator;

namespace Cal.Application.Platform.ManagedUsers.Queries.GetManagedUser;

/// <summary>cal.com's <c>GET /v2/oauth-clients/{clientId}/users/{userId}</c>: one managed user of this client; another client's user is not
/// found.</summary>
public sealed record GetManagedUserQuery(OAuthClientRef Client, int UserId) : IQuery<ManagedUserDto>;

public sealed class GetManagedUserQueryHandler(IUserRepository users, IMapper mapper) : IQueryHandler<GetManagedUserQuery, ManagedUserDto>
{
    public async ValueTask<ManagedUserDto> Handle(GetManagedUserQuery query, CancellationToken cancellationToken) =>
        mapper.Map<ManagedUserDto>(await Common.OwnedManagedUser.FindAsync(users, query.Client, query.UserId, cancellationToken));
}
