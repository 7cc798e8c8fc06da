using AutoMapper;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using FluentValidation;
using Mediator;

namespace Cal.Application.Platform.ManagedUsers.Queries.GetManagedUsers;

/// <summary>
/// cal.com's <c>GET /v2/oauth-clients/{clientId}/users</c>: the client's managed users, paged by <c>limit</c> (default 50)
/// and <c>offset</c>, optionally only those with the given <c>emails</c> (as the user gave them or as Cal returned them,
/// with the <c>+clientId</c> part).
/// </summary>
public sealed record GetManagedUsersQuery(OAuthClientRef Client, int? Limit, int? Offset, IReadOnlyList<string>? Emails = null)
    : IQuery<IReadOnlyList<ManagedUserDto>>,
        IValidated;

public sealed class GetManagedUsersQueryHandler(IUserRepository users, IMapper mapper)
    : IQueryHandler<GetManagedUsersQuery, IReadOnlyList<ManagedUserDto>>
{
    public async ValueTask<IReadOnlyList<ManagedUserDto>> Handle(GetManagedUsersQuery query, CancellationToken cancellationToken)
    {
        var emails = query
            .Emails?.Where(e => !string.IsNullOrWhiteSpace(e))
            .Select(e => CreateManagedUserCommandHandler.ManagedEmail(PlusFromQuery(e.Trim()), query.Client.ClientId).ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var found = await users.ListManagedAsync(
            query.Client.Id,
            query.Offset ?? 0,
            query.Limit ?? 50,
            emails is { Count: > 0 } ? emails : null,
            cancellationToken
        );
        return found.Select(x => mapper.Map<ManagedUserDto>(x)).ToList();
    }

    /// <summary>An unencoded <c>+</c> in a query string arrives as a space; no email has one, so it was a <c>+</c>.</summary>
    private static string PlusFromQuery(string email) => email.Replace(' ', '+');
}
