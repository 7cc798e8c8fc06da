using FluentValidation;

namespace Cal.Application.ApiKeys.Commands.RefreshApiKey;

public sealed class RefreshApiKeyCommandValidator : AbstractValidator<RefreshApiKeyCommand>
{
    public RefreshApiKeyCommandValidator()
    {
        RuleFor(c => c.DaysValid).InclusiveBetween(1, 3650).OverridePropertyName("apiKeyDaysValid");

        // As cal.com: a key cannot both expire after some days and never expire.
        RuleFor(c => c)
            .Must(c => !(c.DaysValid is not null && c.NeverExpires == true))
            .WithMessage("give apiKeyDaysValid or apiKeyNeverExpires, not both")
            .OverridePropertyName("apiKeyNeverExpires");
    }
}
