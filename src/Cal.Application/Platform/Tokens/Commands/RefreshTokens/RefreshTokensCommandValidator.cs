using FluentValidation;

namespace Cal.Application.Platform.Tokens.Commands.RefreshTokens;

public sealed class RefreshTokensCommandValidator : AbstractValidator<RefreshTokensCommand>
{
    public RefreshTokensCommandValidator()
    {
        RuleFor(c => c.RefreshToken).NotEmpty().OverridePropertyName("refreshToken");
    }
}
