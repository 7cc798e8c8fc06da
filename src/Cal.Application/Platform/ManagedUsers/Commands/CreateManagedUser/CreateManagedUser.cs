using AutoMapper;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using Cal.Application.Platform.Tokens;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Mediator;

namespace Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;

/// <summary>
/// cal.com's <c>POST /v2/oauth-clients/{clientId}/users</c>: a user owned by the OAuth client, and its first
/// token pair. As cal.com does, the stored email carries the client id (<c>alice+{clientId}@example.com</c>),
/// so two clients can each have their own "alice@example.com".
/// </summary>
public sealed record CreateManagedUserCommand(
    OAuthClientRef Client,
    string Email,
    TimeZoneInput? TimeZone,
    string? Name,
    ManagedUserProfile? Profile = null
) : ICommand<ManagedUserCreated>, IValidated;

public sealed record ManagedUserCreated(ManagedUserDto User, TokenPairDto Tokens);

public sealed class CreateManagedUserCommandHandler(
    IManagedUserTokenRepository tokens,
    IScheduleRepository schedules,
    IPlatformSecrets secrets,
    TokenIssuer issuer,
    TimeProvider time,
    IMapper mapper
) : ICommandHandler<CreateManagedUserCommand, ManagedUserCreated>
{
    public async ValueTask<ManagedUserCreated> Handle(CreateManagedUserCommand command, CancellationToken cancellationToken)
    {
        var client = command.Client;
        var user = User.CreateManaged(
            client.Id,
            ManagedEmail(command.Email, client.ClientId),
            command.TimeZone?.Valid.Id,
            command.Name?.Trim(),
            time.GetUtcNow()
        );
        (command.Profile ?? ManagedUserProfile.None).ApplyTo(user);
        // The email's uniqueness is decided once, by the database's unique index, as the user is stored (a 409).
        TokenPairDto? plaintext = null;
        ManagedUserTokens? issued = null;
        await tokens.AddUserWithTokensAsync(
            user,
            saved =>
            {
                (issued, plaintext) = issuer.Issue(secrets.NewFamilyId(), saved.Id, client.Id);
                return issued;
            },
            cancellationToken
        );
        await issuer.IssuedAsync(issued!);

        // As cal.com: a user created with a time zone gets a default schedule in it (Monday to Friday, 09:00-17:00).
        if (command.TimeZone is not null)
        {
            var schedule = Domain.Schedules.Schedule.Create(user.Id, "Default Schedule", user.TimeZone);
            await schedules.AddAsync(schedule, makeDefault: true, cancellationToken);
            user.UseDefaultSchedule(schedule.Id);
        }

        return new ManagedUserCreated(mapper.Map<ManagedUserDto>(user), plaintext!);
    }

    /// <summary>cal.com's <c>getOAuthUserEmail</c>: <c>local+clientId@domain</c>.</summary>
    public static string ManagedEmail(string email, string clientId)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0 || email[..at].EndsWith("+" + clientId, StringComparison.OrdinalIgnoreCase))
        {
            return email; // not an address, or already this client's form (an email sent back as Cal returned it)
        }

        return $"{email[..at]}+{clientId}{email[at..]}";
    }
}
