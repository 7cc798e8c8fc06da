using System.Security.Cryptography;
using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.AspNetCore.DataProtection;

namespace Cal.Infrastructure.IntegrationTests.Security;

/// <summary><see cref="Infrastructure.Security.DataProtectionSecretProtector"/> with keys persisted to a folder, as configured by
/// DI.</summary>
[TestFixture]
public sealed class DataProtectionSecretProtectorTests
{
    private const string Secret = "{\"urls\":[\"https://calendar.example.test/private-9f8e7d6c/basic.ics\"],\"readOnly\":true}";

    private TempDirectory temp = null!;
    private readonly List<InfrastructureHost> hosts = [];

    [SetUp]
    public void CreateTempDirectory() => temp = new TempDirectory();

    [TearDown]
    public async Task DisposeHosts()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        hosts.Clear();
        temp.Dispose();
    }

    [TestCase(Secret)]
    [TestCase("")]
    [TestCase("Zürich → 東京 🗓")]
    public void Protect_ThenUnprotect_GivesThePlaintextBack(string plaintext)
    {
        var protector = Protector(temp.Combine("keys"));

        var protectedText = protector.Protect(plaintext);

        Assert.That(protector.Unprotect(protectedText), Is.EqualTo(plaintext));
    }

    [Test]
    public void ProtectedText_DoesNotRevealThePlaintext()
    {
        var protector = Protector(temp.Combine("keys"));

        var protectedText = protector.Protect(Secret);

        Assert.Multiple(() =>
        {
            Assert.That(protectedText, Does.Not.Contain("private-9f8e7d6c"));
            Assert.That(protectedText, Does.Not.Contain("calendar.example.test"));
            Assert.That(protectedText, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("private-9f8e7d6c"))[..12]));
            Assert.That(protectedText, Is.Not.EqualTo(protector.Protect(Secret)), "each protection uses a fresh IV");
        });
    }

    [Test]
    public async Task NewServiceProvider_OverTheSameKeys_CanUnprotect()
    {
        var keys = temp.Combine("keys");
        var first = Protector(keys);
        var protectedText = first.Protect(Secret);
        await DisposeAllAsync(); // the app stops

        var restarted = Protector(keys);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(keys, "key-*.xml"), Is.Not.Empty, "the key ring is persisted in the configured folder");
            Assert.That(restarted.Unprotect(protectedText), Is.EqualTo(Secret));
        });
    }

    [Test]
    public void ServiceProvider_WithOtherEmptyKeys_CannotUnprotect()
    {
        var protectedText = Protector(temp.Combine("keys")).Protect(Secret);

        var stranger = Protector(temp.Combine("other-keys"));

        Assert.Throws(Is.InstanceOf<CryptographicException>(), () => stranger.Unprotect(protectedText));
    }

    [Test]
    public void TamperedText_CannotBeUnprotected()
    {
        var protector = Protector(temp.Combine("keys"));
        var protectedText = protector.Protect(Secret);
        var middle = protectedText.Length / 2;
        var tampered = protectedText[..middle] + (protectedText[middle] == 'A' ? 'B' : 'A') + protectedText[(middle + 1)..];

        Assert.Throws(Is.InstanceOf<CryptographicException>(), () => protector.Unprotect(tampered));
    }

    [Test]
    public void OtherPurposes_OfTheSameKeyRing_CannotUnprotect()
    {
        var host = Host(temp.Combine("keys"));
        var protectedText = host.Get<ISecretProtector>().Protect(Secret);

        var otherPurpose = host.Get<IDataProtectionProvider>().CreateProtector("Cal.SomethingElse");

        Assert.Throws(Is.InstanceOf<CryptographicException>(), () => otherPurpose.Unprotect(protectedText));
    }

    [Test]
    public void KeysPath_DefaultsToTheUsersOwnFolder_ApartFromTheDatabase_ReadableByTheOwnerOnly()
    {
        var host = Host(
            keysPath: null,
            settings: new Dictionary<string, string?>
            {
                ["DataProtection:KeysPath"] = null,
                ["ConnectionStrings:Default"] = "Data Source=App_Data/cal.db",
            }
        );

        host.Get<ISecretProtector>().Protect(Secret);

        // InfrastructureHost stands in "user-data" for the user's local application data (~/.local/share on Linux).
        var keys = temp.Combine("user-data/Cal/keys");
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(keys, "key-*.xml"), Is.Not.Empty);
            Assert.That(Directory.Exists(temp.Combine("App_Data/keys")), Is.False, "no key beside the database");
            Assert.That(
                host.Get<Cal.Infrastructure.Persistence.StorageLocations>().ConnectionString,
                Does.Contain(temp.Combine("App_Data/cal.db")),
                "a relative database path is under the content root"
            );
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(
                    File.GetUnixFileMode(keys),
                    Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute),
                    "the folder is the owner's only"
                );
                Assert.That(
                    Directory.GetFiles(keys).Select(File.GetUnixFileMode),
                    Is.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite),
                    "and so are its key files"
                );
            }
        });
    }

    private ISecretProtector Protector(string keysPath) => Host(keysPath).Get<ISecretProtector>();

    private InfrastructureHost Host(string? keysPath, Dictionary<string, string?>? settings = null)
    {
        var host = InfrastructureHost.Create(temp.Path, settings, keysPath: keysPath);
        hosts.Add(host);
        return host;
    }

    private async Task DisposeAllAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        hosts.Clear();
    }
}
