using AutoMapper;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Platform.OAuthClients.Queries.AuthenticateOAuthClient;
using FluentValidation;
using Mediator;

namespace Cal.Application.Platform.ManagedUsers.Commands.UpdateManagedUser;

/// <summary>
/// cal.com's <c>PATCH /v2/oauth-clients/{clientId}/users/{userId}</c>: <c>email</c> (stored with cal.com's
/// <c>+{clientId}</c>, a clash is <c>409</c>), <c>name</c>, <c>timeZone</c>; what is absent stays. A new zone does not
/// move existing schedules (cal.com does not either).
/// </summary>
public sealed record UpdateManagedUserCommand(
    OAuthClientRef Client,
    int UserId,
    string? Email,
    string? Name,
    TimeZoneInput? TimeZone,
    ManagedUserProfile? Profile = null
) : ICommand<ManagedUserDto>, IValidated;

public sealed class UpdateManagedUserCommandHandler(
    IUserRepository users,
    IManagedUserTokenRepository tokens,
    IAuthenticationCache cache,
    IMapper mapper
) : ICommandHandler<UpdateManagedUserCommand, ManagedUserDto>
{
    public async ValueTask<ManagedUserDto> Handle(UpdateManagedUserCommand command, CancellationToken cancellationToken)
    {
        var user = await OwnedManagedUser.FindAsync(users, command.Client, command.UserId, cancellationToken);
        if (command.Email is { } email)
        {
            user.ChangeEmail(CreateManagedUserCommandHandler.ManagedEmail(email, command.Client.ClientId));
        }

        if (command.Name is { } name)
        {
            user.Rename(name.Trim());
        }

        if (command.TimeZone is { } zone)
        {
            user.MoveToTimeZone(zone.Valid.Id);
        }

        (command.Profile ?? ManagedUserProfile.None).ApplyTo(user);

        await users.UpdateAsync(user, cancellationToken);

        // A validated token carries the user's email and zone: this instance forgets them at once.
        await OwnedManagedUser.ForgetCachedCredentialsAsync(cache, await tokens.FamiliesOfUserAsync(user.Id, cancellationToken));
        return mapper.Map<ManagedUserDto>(user);
    }
}

public sealed class UpdateManagedUserCommandValidator : AbstractValidator<UpdateManagedUserCommand>
{
    public UpdateManagedUserCommandValidator()
    {
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(254).When(c => c.Email is not null).OverridePropertyName("email");
        RuleFor(c => c.TimeZone).IsIanaTimeZone().OverridePropertyName("timeZone");
        RuleFor(c => c.Name).MaximumLength(256).OverridePropertyName("name");
        RuleFor(c => c.Profile).Custom(ManagedUserProfileValidator.Report);
    }
}
