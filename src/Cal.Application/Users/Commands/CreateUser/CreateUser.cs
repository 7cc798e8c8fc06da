using AutoMapper;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.Users.Common;
using Cal.Domain.Users;
using Mediator;

namespace Cal.Application.Users.Commands.CreateUser;

public sealed record CreateUserCommand(string Email, TimeZoneInput? TimeZone, string? Name = null) : ICommand<UserDto>, IValidated;

public sealed class CreateUserCommandHandler(IUserRepository users, TimeProvider time, IMapper mapper)
    : ICommandHandler<CreateUserCommand, UserDto>
{
    public async ValueTask<UserDto> Handle(CreateUserCommand command, CancellationToken cancellationToken)
    {
        var user = User.Create(command.Email, command.TimeZone?.Valid.Id, command.Name, time.GetUtcNow());
        await users.AddAsync(user, cancellationToken); // a taken email is a ConflictException, decided by the unique index
        return mapper.Map<UserDto>(user);
    }
}
