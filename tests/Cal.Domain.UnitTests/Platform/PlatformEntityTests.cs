using Cal.Domain.Platform;
using Cal.Domain.Users;

namespace Cal.Domain.UnitTests.Platform;

public sealed class PlatformEntityTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static ManagedUserTokens Pair() =>
        ManagedUserTokens.Issue("fam", 7, 1, "access-hash", "refresh-hash", Now, TimeSpan.FromHours(1), TimeSpan.FromDays(365));

    [Test]
    public void Issue_SetsExpiriesFromTheLifetimes()
    {
        var pair = Pair();

        Assert.That(
            (pair.AccessTokenExpiresAt, pair.RefreshTokenExpiresAt, pair.CreatedAt),
            Is.EqualTo((Now.AddHours(1), Now.AddDays(365), Now))
        );
        Assert.That((pair.IsRevoked, pair.RotatedAt), Is.EqualTo((false, (DateTimeOffset?)null)));
    }

    [Test]
    public void AccessToken_ExpiresExactlyAtItsExpiry()
    {
        var pair = Pair();

        Assert.That(pair.IsAccessTokenExpiredAt(Now.AddHours(1).AddTicks(-1)), Is.False);
        Assert.That(pair.IsAccessTokenExpiredAt(Now.AddHours(1)), Is.True);
    }

    [Test]
    public void RefreshToken_CanRefreshUntilItsExpiry()
    {
        var pair = Pair();

        Assert.That(pair.CanRefreshAt(Now.AddDays(365).AddTicks(-1)), Is.True);
        Assert.That(pair.CanRefreshAt(Now.AddDays(365)), Is.False);
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void Issue_RefusesNonPositiveLifetimes(int minutes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ManagedUserTokens.Issue("f", 1, 1, "a", "r", Now, TimeSpan.FromMinutes(minutes), TimeSpan.FromDays(1))
        );
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ManagedUserTokens.Issue("f", 1, 1, "a", "r", Now, TimeSpan.FromDays(1), TimeSpan.FromMinutes(minutes))
        );
    }

    [Test]
    public void OAuthClient_Register_TrimsTheName_AndNeedsEveryPart()
    {
        Assert.That(OAuthClient.Register("clx", "  Acme ", "hash", Now).Name, Is.EqualTo("Acme"));
        Assert.Throws<ArgumentException>(() => OAuthClient.Register("", "Acme", "hash", Now));
        Assert.Throws<ArgumentException>(() => OAuthClient.Register("clx", " ", "hash", Now));
        Assert.Throws<ArgumentException>(() => OAuthClient.Register("clx", "Acme", "", Now));
    }

    [Test]
    public void ManagedUser_KnowsItsClient_AndAPlainUserHasNone()
    {
        var managed = User.CreateManaged(3, "A+cl@Example.com", null, "Ann", Now);
        var plain = User.Create("b@example.com", null, null, Now);

        Assert.That(
            (managed.OAuthClientId, managed.IsManaged, managed.Email, managed.TimeZone),
            Is.EqualTo(((int?)3, true, "a+cl@example.com", User.DefaultTimeZone))
        );
        Assert.That((plain.OAuthClientId, plain.IsManaged), Is.EqualTo(((int?)null, false)));
    }

    [Test]
    public void Rotate_UsesTheRefreshTokenOnce_AndNeverARevokedOrExpiredOne()
    {
        var pair = ManagedUserTokens.Issue("fam", 7, 1, "a", "r", Now, TimeSpan.FromHours(1), TimeSpan.FromDays(1));

        pair.Rotate(Now.AddMinutes(5));

        Assert.That(pair.RotatedAt, Is.EqualTo(Now.AddMinutes(5)));
        Assert.Throws<InvalidOperationException>(() => pair.Rotate(Now.AddMinutes(6)), "used");
        var revoked = ManagedUserTokens.Issue("fam", 7, 1, "a2", "r2", Now, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        revoked.Revoke(Now);
        Assert.Throws<InvalidOperationException>(() => revoked.Rotate(Now), "revoked");
        var expired = ManagedUserTokens.Issue("fam", 7, 1, "a3", "r3", Now, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        Assert.Throws<InvalidOperationException>(() => expired.Rotate(Now.AddDays(2)), "expired");
    }

    [Test]
    public void Revoke_KeepsTheFirstRevocation()
    {
        var pair = ManagedUserTokens.Issue("fam", 7, 1, "a", "r", Now, TimeSpan.FromHours(1), TimeSpan.FromDays(1));

        pair.Revoke(Now);
        pair.Revoke(Now.AddHours(1));

        Assert.That((pair.IsRevoked, pair.RevokedAt), Is.EqualTo((true, (DateTimeOffset?)Now)));
    }
}
