using Cal.Application.Common.Interfaces;
using Cal.Domain.Users;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Security;

/// <summary>
/// The Data Protection key ring cannot vanish (#22.5): kept in the database when asked (a fleet's default), carried over
/// from where earlier versions kept it, and a start with an empty key ring beside stored credentials is refused.
/// </summary>
[TestFixture]
public sealed class KeyRingTests
{
    private const string Secret = """{"urls":["https://calendar.example.test/private-4a5b/basic.ics"]}""";

    private TempDirectory temp = null!;
    private readonly List<InfrastructureHost> hosts = [];

    [SetUp]
    public void SetUp() => temp = new TempDirectory();

    [TearDown]
    public async Task TearDown()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        temp.Dispose();
    }

    private string Database => temp.Combine("shared/cal.db");

    private async Task<InfrastructureHost> StartAsync(string instance, Dictionary<string, string?> settings)
    {
        settings.TryAdd("ConnectionStrings:Default", $"Data Source={Database}");
        var folder = temp.Combine(instance);
        Directory.CreateDirectory(folder);
        var host = InfrastructureHost.Create(folder, settings, keyRingChecked: false); // the real start: keys only after the check
        hosts.Add(host);
        await host.InitializeDatabaseAsync();
        return host;
    }

    private static Task<int> SaveCredentialAsync(InfrastructureHost host) =>
        host.InScopeAsync(async sp =>
        {
            var user = User.Create($"{Guid.NewGuid():N}@example.test", "Europe/Berlin", null, DateTimeOffset.UnixEpoch);
            await sp.GetRequiredService<IUserRepository>().AddAsync(user, CancellationToken.None);
            var protectedKey = sp.GetRequiredService<ISecretProtector>().Protect(Secret);
            return (
                await sp.GetRequiredService<ICredentialRepository>().SaveIcsFeedAsync(user.Id, protectedKey, CancellationToken.None)
            ).Id;
        });

    private static Task<string> ReadCredentialAsync(InfrastructureHost host, int id) =>
        host.InScopeAsync(async sp =>
        {
            var credential = (await sp.GetRequiredService<Cal.Infrastructure.Persistence.CalDbContext>().Credentials.FindAsync(id))!;
            return sp.GetRequiredService<ISecretProtector>().Unprotect(credential.ProtectedKey);
        });

    [Test]
    public async Task KeyStoreDatabase_AnotherInstanceWithNoKeyFolderOfItsOwn_ReadsTheCredentials()
    {
        var a = await StartAsync("a", new() { ["DataProtection:KeyStore"] = "Database", ["DataProtection:KeysPath"] = null });
        var id = await SaveCredentialAsync(a);
        var b = await StartAsync("b", new() { ["DataProtection:KeyStore"] = "Database", ["DataProtection:KeysPath"] = null });

        Assert.That(await ReadCredentialAsync(b, id), Is.EqualTo(Secret));
        var keysInDatabase = await b.InScopeAsync(sp =>
            Task.FromResult(sp.GetRequiredService<Cal.Infrastructure.Persistence.CalDbContext>().DataProtectionKeys.Count())
        );
        Assert.That(keysInDatabase, Is.EqualTo(1), "one key ring, in the database");
        Assert.That(
            Directory.Exists(temp.Combine("a/user-data/Cal/keys")) || Directory.Exists(temp.Combine("b/user-data/Cal/keys")),
            Is.False,
            "no key in a folder"
        );
    }

    [Test]
    public async Task EmptyKeyRing_WhileTheDatabaseHoldsCredentials_RefusesToStart_UnlessAllowed()
    {
        var first = await StartAsync("a", new() { ["DataProtection:KeysPath"] = temp.Combine("keys-a") });
        await SaveCredentialAsync(first);

        // The key folder is lost (a new container, a wiped volume): this start would make every credential unreadable.
        var refused = Assert.ThrowsAsync<CalConfigurationException>(() =>
            StartAsync("b", new() { ["DataProtection:KeysPath"] = temp.Combine("keys-lost") })
        );
        Assert.That(
            refused!.Message,
            Does.Contain("key ring")
                .And.Contain("1 credential")
                .And.Contain("DataProtection:AllowNewKeyRing=true")
                .And.Contain(temp.Combine("keys-lost"))
        );

        Assert.DoesNotThrowAsync(() =>
            StartAsync("c", new() { ["DataProtection:KeysPath"] = temp.Combine("keys-lost"), ["DataProtection:AllowNewKeyRing"] = "true" })
        );
    }

    [Test]
    public async Task AKeyRingWithOtherKeys_ThatCannotReadTheStoredCredentials_RefusesToStart_NamingIt()
    {
        var first = await StartAsync("a", new() { ["DataProtection:KeysPath"] = temp.Combine("keys-a") });
        await SaveCredentialAsync(first);
        var other = await StartAsync(
            "other",
            new()
            {
                ["DataProtection:KeysPath"] = temp.Combine("keys-other"),
                ["ConnectionStrings:Default"] = $"Data Source={temp.Combine("other.db")}",
            }
        );
        other.Get<ISecretProtector>().Protect("makes a key in keys-other");

        // The wrong folder: it holds keys, but not the ones the database's credentials were written with.
        var refused = Assert.ThrowsAsync<CalConfigurationException>(() =>
            StartAsync("b", new() { ["DataProtection:KeysPath"] = temp.Combine("keys-other") })
        );

        Assert.That(refused!.Message, Does.Contain("holds 1 key(s), but not the one credential").And.Contain(temp.Combine("keys-other")));
    }

    [Test]
    public void BeforeTheCheck_NoKeyCanBeMade_NotEvenByDataProtectionItself()
    {
        var host = InfrastructureHost.Create(
            temp.Combine("unchecked"),
            new Dictionary<string, string?> { ["DataProtection:KeysPath"] = temp.Combine("keys-unchecked") },
            keyRingChecked: false
        );
        hosts.Add(host);

        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => host.Get<ISecretProtector>().Protect(Secret));
        Assert.That(
            Directory.Exists(temp.Combine("keys-unchecked")) ? Directory.GetFiles(temp.Combine("keys-unchecked"), "key-*.xml") : [],
            Is.Empty,
            "no key was written"
        );
    }

    [Test]
    public async Task EmptyKeyRing_OnAnEmptyDatabase_Starts()
    {
        Assert.DoesNotThrowAsync(() => StartAsync("a", new() { ["DataProtection:KeysPath"] = temp.Combine("keys-new") }));
        await Task.CompletedTask;
    }

    [Test]
    public async Task AnExistingInstallsKeysBesideTheDatabase_AreCarriedOverToTheNewDefaultFolder()
    {
        // Earlier versions kept keys in a "keys" folder beside the database by default.
        var old = await StartAsync("old", new() { ["DataProtection:KeysPath"] = temp.Combine("shared/keys") });
        var id = await SaveCredentialAsync(old);

        var upgraded = await StartAsync("new", new() { ["DataProtection:KeysPath"] = null });

        Assert.That(await ReadCredentialAsync(upgraded, id), Is.EqualTo(Secret));
        Assert.That(
            Directory.GetFiles(temp.Combine("new/user-data/Cal/keys"), "key-*.xml"),
            Has.Length.EqualTo(1),
            "carried into the user's own folder"
        );
    }

    [Test]
    public void KeyStore_Redis_WithoutRedis_IsAConfigurationError()
    {
        var ex = Assert.Throws<CalConfigurationException>(() =>
            InfrastructureHost.Create(temp.Path, new Dictionary<string, string?> { ["DataProtection:KeyStore"] = "Redis" })
        );
        Assert.That(ex!.Message, Does.Contain("Redis:Configuration"));
        var unknown = Assert.Throws<CalConfigurationException>(() =>
            InfrastructureHost.Create(temp.Path, new Dictionary<string, string?> { ["DataProtection:KeyStore"] = "Vault" })
        );
        Assert.That(unknown!.Message, Does.Contain("FileSystem, Database or Redis"));
    }

    [Test]
    public void AUserWithNoWritableFolder_KeepsKeysBesideTheDatabase_AsEarlierVersionsDid()
    {
        // The user's local application data cannot be created (here: a file stands where the folder would be).
        var folder = temp.Combine("service");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "user-data"), "not a folder");
        var host = InfrastructureHost.Create(folder, new Dictionary<string, string?> { ["DataProtection:KeysPath"] = null });
        hosts.Add(host);

        host.Get<ISecretProtector>().Protect(Secret);

        Assert.That(
            Directory.GetFiles(Path.Combine(folder, "keys"), "key-*.xml"),
            Is.Not.Empty,
            "the server starts and keeps its keys where it can"
        );
    }
}
