using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// Issue #28.5, through the real host (its hosted services, Data Protection's own among them): a start whose key ring is
/// empty while the database holds credentials is refused, naming where it looked, before any key could be made there;
/// the same under <c>DataProtection:KeyStore=Redis</c> after a Redis flush; keys protected at rest with a certificate.
/// </summary>
[NonParallelizable]
public sealed class KeyRingStartupTests
{
    private IcsFeedServer feeds = null!;
    private string folder = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        folder = Path.Combine(Path.GetTempPath(), "cal-tests", "keyring-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public async Task TearDown()
    {
        await feeds.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
    }

    private Dictionary<string, string?> Settings(string keys, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
            ["DataProtection:KeysPath"] = keys,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task SaveAFeedAsync(CalApiFactory api)
    {
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var saved = await client.PostAsync(
            "/v2/calendars/ics-feed/save",
            Json.Body(new { urls = new[] { feeds.AddFeed("f", IcsSamples.Simple()) } })
        );
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task AnEmptyKeyFolder_BesideACredential_IsRefusedAtStart_NamingTheFolder_AndNoKeyIsMadeThere()
    {
        await using (var first = new CalApiFactory(folder, Settings(Path.Combine(folder, "keys"))))
        {
            await SaveAFeedAsync(first);
        }

        // The built server, started as an operator would, with its key folder gone.
        var lost = Path.Combine(folder, "keys-lost");
        var (code, _, stderr) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            "--urls",
            "http://127.0.0.1:0",
            $"--ConnectionStrings:Default=Data Source={Path.Combine(folder, "cal.db")}",
            $"--DataProtection:KeysPath={lost}"
        );

        Assert.That(code, Is.EqualTo(1));
        Assert.That(
            stderr,
            Does.StartWith("Cal cannot start:").And.Contain("is empty, but the database holds 1 credential(s)").And.Contain(lost)
        );
        Assert.That(
            Directory.Exists(lost) ? Directory.GetFiles(lost, "key-*.xml") : [],
            Is.Empty,
            "not even Data Protection's own start-up work made a key there"
        );
    }

    [Test]
    public async Task UnderKeyStoreRedis_AFlushedRedis_IsRefusedAtStart()
    {
        using var redis = RedisServer.StartOrIgnore();
        var settings = Settings(
            Path.Combine(folder, "unused"),
            ("Redis:Configuration", redis.Configuration),
            ("DataProtection:KeyStore", "Redis"),
            ("DataProtection:KeysPath", null)
        );
        await using (var first = new CalApiFactory(folder, settings))
        {
            await SaveAFeedAsync(first);
        }

        using (var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true"))
        {
            await connection.GetServers()[0].FlushAllDatabasesAsync();
        }

        var (code, _, stderr) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            "--urls",
            "http://127.0.0.1:0",
            $"--ConnectionStrings:Default=Data Source={Path.Combine(folder, "cal.db")}",
            $"--Redis:Configuration={redis.Configuration}",
            "--DataProtection:KeyStore=Redis"
        );

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("Redis key cal:data-protection:keys").And.Contain("is empty"));
    }

    [Test]
    public async Task KeysProtectedWithACertificate_AreWrittenEncrypted_AndReadBackOnTheNextStart()
    {
        var certificate = Path.Combine(folder, "keys.pfx");
        Directory.CreateDirectory(folder);
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=Cal key ring",
                rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1
            );
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(
                certificate,
                made.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-pw")
            );
        }

        var keys = Path.Combine(folder, "keys");
        var settings = Settings(keys, ("DataProtection:CertificatePath", certificate), ("DataProtection:CertificatePassword", "pfx-pw"));
        await using (var first = new CalApiFactory(folder, settings))
        {
            await SaveAFeedAsync(first);
        }

        var keyFile = await File.ReadAllTextAsync(Directory.GetFiles(keys, "key-*.xml").Single());
        Assert.That(
            keyFile,
            Does.Contain("encryptedSecret").And.Not.Contain("<masterKey"),
            "the key's secret is encrypted to the certificate"
        );

        await using var second = new CalApiFactory(folder, settings);
        Assert.DoesNotThrow(() => second.StartServer(), "the next start reads the credential through the certificate-protected key");
    }
}
