using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;

/// <summary>cal.com's <c>CreateManagedUserInput</c>: an email, an optional IANA time zone, name and profile fields.</summary>
public sealed class CreateManagedUserCommandValidator : AbstractValidator<CreateManagedUserCommand>
{
    public CreateManagedUserCommandValidator()
    {
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(254).OverridePropertyName("email");
        RuleFor(c => c.TimeZone).IsIanaTimeZone().OverridePropertyName("timeZone");
        RuleFor(c => c.Name).MaximumLength(256).OverridePropertyName("name");
        RuleFor(c => c.Profile).Custom(Common.ManagedUserProfileValidator.Report);
    }
}
