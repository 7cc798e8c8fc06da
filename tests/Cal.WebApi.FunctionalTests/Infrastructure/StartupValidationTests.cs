namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Options are checked when the server starts, with a message that says what to fix.</summary>
public sealed class StartupValidationTests
{
    [TestCase("Outbound:AllowedHosts:0", "http://127.0.0.1/", "Outbound:AllowedHosts entry 'http://127.0.0.1/'")]
    [TestCase("Outbound:AllowedHosts:0", "10.0.0.0/99", "10.0.0.0/99")]
    [TestCase("Outbound:FeedTimeout", "00:00:00", "FeedTimeout")]
    [TestCase("Outbound:MaxConcurrentFetchesPerSave", "0", "MaxConcurrentFetchesPerSave")]
    [TestCase("BusyTimes:MaxOccurrencesPerFeed", "0", "MaxOccurrencesPerFeed")]
    [TestCase("RateLimiting:PermitLimit", "0", "PermitLimit")]
    [TestCase("RateLimiting:Window", "00:00:00", "Window")]
    [TestCase("Auth:AccessTokenLifetime", "00:00:00", "AccessTokenLifetime")]
    [TestCase("ForwardedHeaders:KnownProxies:0", "nginx.internal", "ForwardedHeaders:KnownProxies entry 'nginx.internal'")]
    [TestCase("Database:Provider", "Postgres", "ConnectionStrings:Default is not a Postgres connection string")]
    public async Task InvalidOption_StopsStartUp_WithOneLineNamingIt(string key, string value, string named)
    {
        var data = Path.Combine(Path.GetTempPath(), "cal-tests", Guid.NewGuid().ToString("N"));
        var (code, _, stderr) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            $"--{key}={value}",
            "--urls",
            "http://127.0.0.1:0",
            $"--ConnectionStrings:Default=Data Source={Path.Combine(data, "cal.db")}",
            $"--DataProtection:KeysPath={Path.Combine(data, "keys")}"
        );

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith("Cal cannot start:").And.Contain(named));
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task SqlServerWithoutConnectionString_StopsStartUp_WithOneLineOnStderr()
    {
        var (code, stdout, stderr) = await WebApiProcess.RunAsync(
            WebApiProcess.Dll(),
            "--Database:Provider=SqlServer",
            "--ConnectionStrings:Default=",
            "--urls",
            "http://127.0.0.1:0"
        );

        Assert.That(code, Is.EqualTo(1));
        Assert.That(
            stderr.Trim(),
            Is.EqualTo(
                "Cal cannot start: Database:Provider is SqlServer but ConnectionStrings:Default is not set (e.g. ConnectionStrings__Default=\"Server=...;Database=Cal;...\")."
            )
        );
        Assert.That(stdout, Does.Not.Contain("   at "), "no stack trace");
    }
}
