using FluentValidation;

namespace Cal.Application.Users.Commands.CreateUser;

public sealed class CreateUserCommandValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserCommandValidator()
    {
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320).OverridePropertyName("email");
        RuleFor(c => c.TimeZone)
            .Must(tz => tz is null || IsIanaTimeZone(tz))
            .WithMessage("must be an IANA time zone such as Europe/Berlin")
            .OverridePropertyName("timeZone");
    }

    /// <summary>
    /// An IANA id spelled exactly as the database spells it. .NET also finds Windows ids ("W. Europe
    /// Standard Time") and, on some systems, other casings; both would be stored as given, so both are refused.
    /// </summary>
    internal static bool IsIanaTimeZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
        && zone.HasIanaId
        && string.Equals(zone.Id, id, StringComparison.Ordinal);
}
