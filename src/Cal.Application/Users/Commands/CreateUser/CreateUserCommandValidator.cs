using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Users.Commands.CreateUser;

public sealed class CreateUserCommandValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserCommandValidator()
    {
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320).OverridePropertyName("email");
        RuleFor(c => c.TimeZone).IsIanaTimeZone().OverridePropertyName("timeZone");
    }
}
