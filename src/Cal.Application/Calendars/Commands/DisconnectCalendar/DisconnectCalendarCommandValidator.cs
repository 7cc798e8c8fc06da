using FluentValidation;

namespace Cal.Application.Calendars.IcsFeeds.Commands.DisconnectIcsFeed;

public sealed class DisconnectIcsFeedCommandValidator : AbstractValidator<DisconnectIcsFeedCommand>
{
    public DisconnectIcsFeedCommandValidator()
    {
        RuleFor(c => c.CredentialId)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required: the credential's id")
            .GreaterThan(0)
            .OverridePropertyName("id");
    }
}
