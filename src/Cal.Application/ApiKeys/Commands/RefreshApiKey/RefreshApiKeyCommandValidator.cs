using FluentValidation;

namespace Cal.Application.ApiKeys.Commands.RefreshApiKey;

public sealed class RefreshApiKeyCommandValidator : AbstractValidator<RefreshApiKeyCommand>
{
    public RefreshApiKeyCommandValidator()
    {
        RuleFor(c => c.DaysValid).InclusiveBetween(1, 3650).OverridePropertyName("apiKeyDaysValid");
    }
}
