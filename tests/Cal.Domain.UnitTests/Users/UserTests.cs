using Cal.Domain.Users;

namespace Cal.Domain.UnitTests.Users;

public sealed class UserTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [TestCase("alice@example.com", "alice@example.com")]
    [TestCase("Alice@Example.COM", "alice@example.com")]
    [TestCase("  alice@example.com\t", "alice@example.com")]
    [TestCase(" ALICE@EXAMPLE.COM ", "alice@example.com")]
    public void Create_NormalisesTheEmail(string email, string expected)
    {
        var user = User.Create(email, "Europe/Berlin", null, Now);

        Assert.That(user.Email, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Create_WithoutTimeZone_UsesEuropeLondon(string? timeZone)
    {
        var user = User.Create("alice@example.com", timeZone, null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(user.TimeZone, Is.EqualTo("Europe/London"));
            Assert.That(User.DefaultTimeZone, Is.EqualTo("Europe/London"));
        });
    }

    [TestCase("Europe/Berlin", "Europe/Berlin")]
    [TestCase(" America/New_York ", "America/New_York")]
    public void Create_KeepsTheGivenTimeZone_Trimmed(string timeZone, string expected)
    {
        var user = User.Create("alice@example.com", timeZone, null, Now);

        Assert.That(user.TimeZone, Is.EqualTo(expected));
    }

    [Test]
    public void Create_KeepsNameAndCreationTime()
    {
        var user = User.Create("alice@example.com", null, "Alice Example", Now);

        Assert.Multiple(() =>
        {
            Assert.That(user.Name, Is.EqualTo("Alice Example"));
            Assert.That(user.CreatedAt, Is.EqualTo(Now));
            Assert.That(user.Id, Is.Zero, "ids come from the database");
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    public void Create_WithoutEmail_Throws(string email)
    {
        Assert.That(() => User.Create(email, null, null, Now), Throws.InstanceOf<ArgumentException>());
    }
}
