using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Users;
using Mediator;

namespace Cal.Application.Users.Commands.CreateUser;

public sealed record CreateUserCommand(string Email, string? TimeZone, string? Name = null) : ICommand<UserDto>;

public sealed record UserDto(int Id, string Email, string TimeZone);

public sealed class CreateUserCommandHandler(IUserRepository users, TimeProvider time) : ICommandHandler<CreateUserCommand, UserDto>
{
    public async ValueTask<UserDto> Handle(CreateUserCommand command, CancellationToken cancellationToken)
    {
        var user = User.Create(command.Email, command.TimeZone, command.Name, time.GetUtcNow());
        if (await users.FindByEmailAsync(user.Email, cancellationToken) is not null)
        {
            throw new ConflictException($"A user with email {user.Email} already exists.");
        }

        await users.AddAsync(user, cancellationToken);
        return new UserDto(user.Id, user.Email, user.TimeZone);
    }
}
