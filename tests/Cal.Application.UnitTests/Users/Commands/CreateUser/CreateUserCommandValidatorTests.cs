using Cal.Application.Users.Commands.CreateUser;
using FluentValidation.TestHelper;

namespace Cal.Application.UnitTests.Users.Commands.CreateUser;

public sealed class CreateUserCommandValidatorTests
{
    private readonly CreateUserCommandValidator validator = new();

    [TestCase("alice@example.com", null)]
    [TestCase("alice@example.com", "Europe/Berlin")]
    [TestCase("alice@example.com", "America/Argentina/Buenos_Aires")]
    [TestCase("alice@example.com", "UTC")]
    public void Validate_AcceptsEmailAndIanaTimeZone(string email, string? timeZone)
    {
        validator.TestValidate(new CreateUserCommand(email, timeZone)).ShouldNotHaveAnyValidationErrors();
    }

    [TestCase("")]
    [TestCase("not-an-email")]
    public void Validate_RefusesBadEmail(string email)
    {
        validator.TestValidate(new CreateUserCommand(email, null)).ShouldHaveValidationErrorFor("email");
    }

    [Test]
    public void Validate_RefusesOverlongEmail()
    {
        var email = new string('a', 310) + "@example.com";

        validator.TestValidate(new CreateUserCommand(email, null)).ShouldHaveValidationErrorFor("email");
    }

    [TestCase("Mars/Olympus_Mons")]
    [TestCase("not a zone")]
    public void Validate_RefusesUnknownTimeZone(string timeZone)
    {
        validator
            .TestValidate(new CreateUserCommand("alice@example.com", timeZone))
            .ShouldHaveValidationErrorFor("timeZone")
            .WithErrorMessage("must be an IANA time zone such as Europe/Berlin");
    }

    [TestCase("W. Europe Standard Time")]
    [TestCase("Pacific Standard Time")]
    public void Validate_RefusesWindowsTimeZoneIds(string timeZone)
    {
        validator.TestValidate(new CreateUserCommand("alice@example.com", timeZone)).ShouldHaveValidationErrorFor("timeZone");
    }
}
