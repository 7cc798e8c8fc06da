using Cal.Domain.Calendars;
using FluentValidation;

namespace Cal.Application.Calendars.CalDav.Commands.SaveCalDavAccount;

/// <summary>The account's fields: a username and a password always, a server URL for <c>caldav</c> (Apple's server is
/// configured).</summary>
public sealed class SaveCalDavAccountCommandValidator : AbstractValidator<SaveCalDavAccountCommand>
{
    public const int MaxUsernameLength = 320;
    public const int MaxPasswordLength = 1024;

    public SaveCalDavAccountCommandValidator()
    {
        RuleFor(c => c.Calendar)
            .Must(c => CalendarApps.TypeOfRoute(c) is CalendarApps.Apple.Type or CalendarApps.CalDav.Type)
            .WithMessage(c => $"'{c.Calendar}' does not take a username and password; use apple or caldav")
            .OverridePropertyName("calendar");
        RuleFor(c => c.Username)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage("is required")
            .MaximumLength(MaxUsernameLength)
            .WithMessage($"must be at most {MaxUsernameLength} characters")
            .Must(u => !u!.Any(char.IsControl))
            .WithMessage("must not contain control characters")
            .OverridePropertyName("username");
        RuleFor(c => c.Password)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage("is required")
            .MaximumLength(MaxPasswordLength)
            .WithMessage($"must be at most {MaxPasswordLength} characters")
            .OverridePropertyName("password");
        When(
            c => CalendarApps.TypeOfRoute(c.Calendar) == CalendarApps.CalDav.Type,
            () =>
                RuleFor(c => c.Url)
                    .Custom(
                        (url, context) =>
                        {
                            if (!IcsFeedUrl.TryCreate(url, out _, out var error))
                            {
                                context.AddFailure(
                                    "url",
                                    url is null
                                        ? "is required for caldav: the server or principal URL"
                                        : error!.Replace("http, https or webcal URL", "http or https URL", StringComparison.Ordinal)
                                );
                            }
                        }
                    )
        );
    }
}
