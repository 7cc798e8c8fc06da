using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Domain.Users;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Security;

/// <summary>
/// Issue #28.8: a credential's <c>Account</c> is an HMAC under a secret of this server's (kept as a Data Protection
/// payload, so it goes with the key ring), not an unsalted hash a list of e-mails can be tried against; rows an earlier
/// version wrote are re-keyed at start.
/// </summary>
public sealed class AccountKeysTests
{
    private TempDirectory temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempDirectory();

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public async Task TheKey_IsStable_KeyedByTheServersSecret_AndNotTheUnsaltedHash()
    {
        await using var host = InfrastructureHost.Create(temp.Path);
        await host.InitializeDatabaseAsync();
        var identity = CalDavSecret.AccountIdentity(new Uri("https://caldav.icloud.com"), "alice@example.com");

        var first = await host.Get<IAccountKeys>().KeyOfAsync(identity, CancellationToken.None);
        await using var again = InfrastructureHost.Create(temp.Path); // another process over the same database and key ring
        var second = await again.Get<IAccountKeys>().KeyOfAsync(identity, CancellationToken.None);
        await using var elsewhere = InfrastructureHost.Create(temp.Combine("other"));
        await elsewhere.InitializeDatabaseAsync();
        var otherServer = await elsewhere.Get<IAccountKeys>().KeyOfAsync(identity, CancellationToken.None);

        Assert.That(second, Is.EqualTo(first), "one account, one key, across restarts");
        Assert.That(
            first,
            Has.Length.EqualTo(43).And.Not.EqualTo(CalDavSecret.LegacyAccountKey(new Uri("https://caldav.icloud.com"), "alice@example.com"))
        );
        Assert.That(
            otherServer,
            Is.Not.EqualTo(first),
            "another installation's secret: a copied database alone cannot be matched against e-mails"
        );
        var stored = await host.InScopeAsync(sp => sp.GetRequiredService<CalDbContext>().ServerSecrets.AsNoTracking().SingleAsync());
        Assert.That(stored.ProtectedValue, Does.Not.Contain(first), "the secret is stored protected");
    }

    [Test]
    public async Task ALegacyAccount_IsReKeyedAtStart_AndSavingItAgainUpdatesTheSameCredential()
    {
        await using var host = InfrastructureHost.Create(temp.Path);
        await host.InitializeDatabaseAsync();
        var server = new Uri("https://dav.example/");
        var id = await host.InScopeAsync(async sp =>
        {
            var user = User.Create("owner@example.test", "UTC", null, DateTimeOffset.UnixEpoch);
            await sp.GetRequiredService<IUserRepository>().AddAsync(user, CancellationToken.None);
            var secret = sp.GetRequiredService<ISecretProtector>()
                .Protect(CalDavSecret.Serialize(new CalDavSettings(server.AbsoluteUri, "Alice", "pw", [])));
            return (
                await sp.GetRequiredService<ICredentialRepository>()
                    .SaveAsync(
                        user.Id,
                        CalendarApps.CalDav.Type,
                        CalendarApps.CalDav.AppId,
                        CalDavSecret.LegacyAccountKey(server, "Alice"),
                        secret,
                        CancellationToken.None
                    )
            ).Id;
        });

        await using var restarted = InfrastructureHost.Create(temp.Path);
        await restarted.InitializeDatabaseAsync();

        var expected = await restarted
            .Get<IAccountKeys>()
            .KeyOfAsync(CalDavSecret.AccountIdentity(server, "alice"), CancellationToken.None);
        var account = await restarted.InScopeAsync(sp =>
            sp.GetRequiredService<CalDbContext>().Credentials.AsNoTracking().Where(c => c.Id == id).Select(c => c.Account).SingleAsync()
        );
        Assert.That(account, Is.EqualTo(expected));
    }
}
