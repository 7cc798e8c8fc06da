using Cal.Application.ApiKeys.Commands.CreateApiKey;
using FluentValidation.TestHelper;

namespace Cal.Application.UnitTests.ApiKeys.Commands.CreateApiKey;

public sealed class CreateApiKeyCommandValidatorTests
{
    private readonly CreateApiKeyCommandValidator validator = new();

    [TestCase(null)]
    [TestCase(1)]
    [TestCase(3650)]
    public void Validate_AcceptsNoExpiryOrOneDayToTenYears(int? days)
    {
        validator.TestValidate(new CreateApiKeyCommand("alice@example.com", days)).ShouldNotHaveAnyValidationErrors();
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(3651)]
    public void Validate_RefusesExpiryOutsideOneDayToTenYears(int days)
    {
        validator.TestValidate(new CreateApiKeyCommand("alice@example.com", days)).ShouldHaveValidationErrorFor("expiresInDays").Only();
    }

    [TestCase("")]
    [TestCase("  ")]
    public void Validate_RefusesMissingEmail(string email)
    {
        validator.TestValidate(new CreateApiKeyCommand(email, null)).ShouldHaveValidationErrorFor("email").Only();
    }
}
