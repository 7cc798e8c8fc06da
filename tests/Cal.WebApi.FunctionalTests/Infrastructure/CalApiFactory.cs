using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Cal.Infrastructure.Persistence;
using Cal.Testing;
using Cal.WebApi.Admin;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>
/// The real Cal host on Kestrel (127.0.0.1, random port) over a fresh SQLite file in its own folder,
/// with every log event captured and a clock the test can move.
/// </summary>
public sealed class CalApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;

    private readonly bool useFakeClock;
    private readonly Action<IServiceCollection>? configureServices;

    /// <param name="useFakeClock">
    /// Replace the clock with <see cref="Clock"/>, which moves only when the test moves it. Only for tests about
    /// time (expiry): with it, feed and save deadlines never fire.
    /// </param>
    /// <param name="configureServices">Extra registrations after the app's own (e.g. another calendar provider).</param>
    public CalApiFactory(
        string? dataDirectory = null,
        IDictionary<string, string?>? overrides = null,
        bool useFakeClock = false,
        Action<IServiceCollection>? configureServices = null
    )
    {
        this.useFakeClock = useFakeClock;
        this.configureServices = configureServices;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "cal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={DatabasePath}",
            ["Database:Provider"] = "Sqlite",
            ["DataProtection:KeysPath"] = Path.Combine(DataDirectory, "keys"),
            ["Outbound:FeedTimeout"] = "00:00:05",
            ["Outbound:SaveTimeout"] = "00:00:10",
            ["FeedCache:WarmUp"] = "false", // hundreds of hosts start in one test run; IndexWarmUpTests covers it

            // Tests send traffic to loopback only: Apple's server is iCloud unless told otherwise (port 9 refuses).
            ["Providers:Apple:ServerUrl"] = "http://127.0.0.1:9/",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
    }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "cal.db");

    /// <summary>
    /// Takes the SQLite database away under the running server: its files moved aside and a directory put in their
    /// place, so no new connection can open it. Disposing the result puts it back.
    /// </summary>
    public IDisposable TakeDatabaseAway()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var aside = Path.Combine(DataDirectory, "aside");
        Directory.CreateDirectory(aside);
        foreach (var file in Directory.GetFiles(DataDirectory, "cal.db*"))
        {
            File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
        }

        Directory.CreateDirectory(DatabasePath);
        return new DatabaseAway(this, aside);
    }

    private sealed class DatabaseAway(CalApiFactory api, string aside) : IDisposable
    {
        public void Dispose()
        {
            Directory.Delete(api.DatabasePath);
            foreach (var file in Directory.GetFiles(aside))
            {
                File.Move(file, Path.Combine(api.DataDirectory, Path.GetFileName(file)));
            }
        }
    }

    /// <summary>
    /// The database's files (with its -wal and -shm) as Latin-1 text, read while the server may hold them open: for
    /// checking that a secret is nowhere in them, in any encoding a test looks for.
    /// </summary>
    public string DatabaseFilesText() =>
        string.Concat(
            Directory
                .EnumerateFiles(DataDirectory, "cal.db*")
                .Select(file =>
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    return System.Text.Encoding.Latin1.GetString(copy.ToArray());
                })
        );

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The configuration this instance runs with, also given to admin commands.</summary>
    public IReadOnlyDictionary<string, string?> Settings => settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (useFakeClock)
            {
                services.AddSingleton<TimeProvider>(Clock);
            }

            services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
            configureServices?.Invoke(services);
        });
    }

    public HttpClient CreateAuthorizedClient(string apiKey)
    {
        StartServer();
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Runs an admin command in-process against this instance's database and configuration.</summary>
    public async Task<(int ExitCode, string StdOut, string StdErr)> AdminAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        // The admin command logs into the stderr writer it is given (the process's in production): here this test's own, never
        // the test run's console.
        var code = await AdminCommand.RunAsync(args, stdout, stderr, settings);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A new user and an API key for them, made with the admin commands as a new user would.</summary>
    public async Task<(int UserId, string ApiKey)> CreateUserWithKeyAsync(string? email = null, int? expiresInDays = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        var (code, userJson, err) = await AdminAsync("users", "create", "--email", email, "--time-zone", "Europe/Berlin");
        Assert.That(code, Is.Zero, err);
        var userId = System.Text.Json.JsonDocument.Parse(userJson).RootElement.GetProperty("id").GetInt32();

        var args = new List<string> { "api-keys", "create", "--email", email };
        if (expiresInDays is { } days)
        {
            args.AddRange(["--expires-in-days", days.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        (code, var key, err) = await AdminAsync([.. args]);
        Assert.That(code, Is.Zero, err);
        return (userId, key.Trim());
    }

    public async Task<T> WithDbAsync<T>(Func<CalDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CalDbContext>());
    }

    public Task<int> CredentialCountAsync() => WithDbAsync(db => db.Credentials.CountAsync());

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
    }

    public void DeleteData()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
