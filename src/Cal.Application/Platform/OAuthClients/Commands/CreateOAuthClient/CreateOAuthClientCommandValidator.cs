using FluentValidation;

namespace Cal.Application.Platform.OAuthClients.Commands.CreateOAuthClient;

public sealed class CreateOAuthClientCommandValidator : AbstractValidator<CreateOAuthClientCommand>
{
    public CreateOAuthClientCommandValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(100).OverridePropertyName("name");
    }
}
