using FluentValidation;

namespace Cal.Application.Users.Commands.CreateUser;

public sealed class CreateUserCommandValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserCommandValidator()
    {
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320).OverridePropertyName("email");
        RuleFor(c => c.TimeZone)
            .Must(tz => tz is null || TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
            .WithMessage("must be an IANA time zone such as Europe/Berlin")
            .OverridePropertyName("timeZone");
    }
}
