using Cal.Domain.ApiKeys;

namespace Cal.Domain.UnitTests.ApiKeys;

public sealed class ApiKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Issue_KeepsTheHashAndTimes()
    {
        var expiresAt = Now.AddDays(30);

        var key = ApiKey.Issue(7, "hash", Now, expiresAt);

        Assert.Multiple(() =>
        {
            Assert.That(key.UserId, Is.EqualTo(7));
            Assert.That(key.HashedKey, Is.EqualTo("hash"));
            Assert.That(key.CreatedAt, Is.EqualTo(Now));
            Assert.That(key.ExpiresAt, Is.EqualTo(expiresAt));
            Assert.That(key.RevokedAt, Is.Null);
        });
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(-3650)]
    public void Issue_WithExpiryNotInTheFuture_Throws(int expiresInSeconds)
    {
        Assert.That(
            () => ApiKey.Issue(7, "hash", Now, Now.AddSeconds(expiresInSeconds)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("expiresAt")
        );
    }

    [TestCase("")]
    [TestCase(" ")]
    public void Issue_WithoutAHash_Throws(string hash)
    {
        Assert.That(() => ApiKey.Issue(7, hash, Now, null), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void IsUsableAt_WithoutExpiry_IsUsableForever()
    {
        var key = ApiKey.Issue(7, "hash", Now, null);

        Assert.That(key.IsUsableAt(Now.AddYears(100)), Is.True);
    }

    [TestCase(-1, true)]
    [TestCase(-86_400, true)]
    [TestCase(0, false)]
    [TestCase(1, false)]
    [TestCase(86_400, false)]
    public void IsUsableAt_IsTrueOnlyBeforeExpiry(int secondsFromExpiry, bool expected)
    {
        var expiresAt = Now.AddDays(10);
        var key = ApiKey.Issue(7, "hash", Now, expiresAt);

        Assert.That(key.IsUsableAt(expiresAt.AddSeconds(secondsFromExpiry)), Is.EqualTo(expected));
    }

    [Test]
    public void IsUsableAt_AfterRevocation_IsFalse_EvenBeforeExpiry()
    {
        var key = ApiKey.Issue(7, "hash", Now, Now.AddDays(10));
        key.Revoke(Now.AddDays(1));

        Assert.Multiple(() =>
        {
            Assert.That(key.IsUsableAt(Now.AddDays(2)), Is.False);
            Assert.That(key.RevokedAt, Is.EqualTo(Now.AddDays(1)));
        });
    }

    [Test]
    public void IsUsableAt_AfterRevocationOfKeyWithoutExpiry_IsFalse()
    {
        var key = ApiKey.Issue(7, "hash", Now, null);
        key.Revoke(Now);

        Assert.That(key.IsUsableAt(Now.AddSeconds(1)), Is.False);
    }

    [Test]
    public void Revoke_Twice_KeepsTheFirstRevocationTime()
    {
        var key = ApiKey.Issue(7, "hash", Now, null);

        key.Revoke(Now.AddHours(1));
        key.Revoke(Now.AddHours(2));

        Assert.That(key.RevokedAt, Is.EqualTo(Now.AddHours(1)));
    }

    [Test]
    public void Revoke_Earlier_PullsAScheduledRevocationForward()
    {
        var key = ApiKey.Issue(7, "hash", Now, null);

        key.Revoke(Now.AddMinutes(10)); // a refresh's grace period
        key.Revoke(Now); // an emergency revocation

        Assert.That(key.RevokedAt, Is.EqualTo(Now));
        Assert.That(key.IsUsableAt(Now.AddMinutes(1)), Is.False);
    }
}

public sealed class ApiKeyGracePeriodTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void KeyRevokedFromALaterInstant_WorksUntilThen()
    {
        var key = Cal.Domain.ApiKeys.ApiKey.Issue(1, "hash", Now, expiresAt: null);
        key.Revoke(Now.AddMinutes(10));

        Assert.Multiple(() =>
        {
            Assert.That(key.IsUsableAt(Now.AddMinutes(9)), Is.True);
            Assert.That(key.IsUsableAt(Now.AddMinutes(10)), Is.False);
        });
    }

    [Test]
    public void RevokingAgain_KeepsTheEarlierInstant()
    {
        var key = Cal.Domain.ApiKeys.ApiKey.Issue(1, "hash", Now, expiresAt: null);
        key.Revoke(Now);
        key.Revoke(Now.AddDays(1));

        Assert.That(key.RevokedAt, Is.EqualTo(Now));
    }
}
