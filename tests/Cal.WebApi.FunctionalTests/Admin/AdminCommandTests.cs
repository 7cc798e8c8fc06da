using System.Text.Json;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Admin;

public sealed partial class AdminCommandTests
{
    private CalApiFactory api = null!;

    [SetUp]
    public void SetUp() => api = new CalApiFactory();

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
    }

    [Test]
    public async Task UsersCreate_PrintsTheUserAsOneJsonLine()
    {
        var (code, stdout, _) = await api.AdminAsync("users", "create", "--email", "Ada@Example.com", "--time-zone", "Europe/Berlin");

        Assert.That(code, Is.Zero);
        Assert.That(stdout.TrimEnd('\r', '\n'), Does.Not.Contain('\n'));
        Assert.That(stdout.Trim(), Does.Match("""^\{"id":\d+,"email":"ada@example.com","timeZone":"Europe/Berlin"\}$"""));
    }

    [Test]
    public async Task UsersCreate_Twice_FailsWithExitCode1()
    {
        await api.AdminAsync("users", "create", "--email", "bob@example.com");
        var (code, stdout, stderr) = await api.AdminAsync("users", "create", "--email", "bob@example.com");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("already exists"));
    }

    [Test]
    public async Task ApiKeysCreate_PrintsOnlyTheKey()
    {
        await api.AdminAsync("users", "create", "--email", "carol@example.com");
        var (code, stdout, _) = await api.AdminAsync("api-keys", "create", "--email", "carol@example.com", "--expires-in-days", "30");

        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Match("^cal_[0-9a-f]{32}\r?\n$"));
    }

    [Test]
    public async Task ApiKeysCreate_ForMissingUser_ExitCode1WithMessage()
    {
        var (code, stdout, stderr) = await api.AdminAsync("api-keys", "create", "--email", "nobody@example.com");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("nobody@example.com"));
    }

    [TestCase("users")]
    [TestCase("users", "delete", "--email", "a@b.c")]
    [TestCase("users", "create")]
    [TestCase("users", "create", "--email")]
    [TestCase("users", "create", "--email", "a@b.c", "--colour", "red")]
    [TestCase("users", "create", "--email", "not-an-email")]
    [TestCase("users", "create", "--email", "a@b.c", "--time-zone", "Mars/Olympus")]
    [TestCase("api-keys", "create", "--email", "a@b.c", "--expires-in-days", "soon")]
    [TestCase("api-keys", "create", "--email", "a@b.c", "--expires-in-days", "0")]
    public async Task BadArguments_PrintUsage_ExitCode2(params string[] args)
    {
        var (code, stdout, stderr) = await api.AdminAsync(args);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("Usage:"));
    }

    /// <summary>As a script would run it: a separate process whose stdout must carry only the result, logs going to stderr.</summary>
    [Test]
    public async Task RealProcess_StdoutCarriesOnlyTheResult()
    {
        var dll = WebApiProcess.Dll();
        var db = $"--ConnectionStrings:Default=Data Source={api.DatabasePath}";
        var keys = $"--DataProtection:KeysPath={Path.Combine(api.DataDirectory, "keys")}";

        var (code, stdout, stderr) = await WebApiProcess.RunAsync(dll, "users", "create", "--email", "dora@example.com", db, keys);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(JsonDocument.Parse(stdout).RootElement.GetProperty("email").GetString(), Is.EqualTo("dora@example.com"));
        Assert.That(stderr, Is.Not.Empty, "logs go to stderr");

        (code, stdout, stderr) = await WebApiProcess.RunAsync(dll, "api-keys", "create", "--email", "dora@example.com", db, keys);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Match("^cal_[0-9a-f]{32}\r?\n$"));
    }
}
