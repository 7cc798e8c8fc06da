using FluentValidation;

namespace Cal.Application.ApiKeys.Commands.CreateApiKey;

public sealed class CreateApiKeyCommandValidator : AbstractValidator<CreateApiKeyCommand>
{
    public CreateApiKeyCommandValidator()
    {
        RuleFor(c => c.Email).NotEmpty().OverridePropertyName("email");
        RuleFor(c => c.ExpiresInDays).InclusiveBetween(1, 3650).OverridePropertyName("expiresInDays");
    }
}
