using Cal.Application;
using Cal.Infrastructure.Persistence;
using Cal.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cal.Infrastructure.IntegrationTests.Support;

/// <summary>
/// The real Application + Infrastructure registrations over an in-memory configuration whose database
/// and Data Protection keys live in <see cref="Directory"/>. Several hosts may share one directory
/// (a "restart"); the directory itself belongs to a <see cref="TempDirectory"/>.
/// </summary>
internal sealed class InfrastructureHost : IAsyncDisposable
{
    private InfrastructureHost(ServiceProvider services, string directory, CapturingLoggerProvider logs)
    {
        Services = services;
        Directory = directory;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public string Directory { get; }

    public CapturingLoggerProvider Logs { get; }

    public string DatabasePath => Path.Combine(Directory, "cal.db");

    public static InfrastructureHost Create(
        string directory,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? keysPath = null,
        bool keyRingChecked = true
    )
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(directory, "cal.db")}",
            ["DataProtection:KeysPath"] = keysPath ?? Path.Combine(directory, "keys"),

            // The test feed servers live on loopback, which an outbound address policy refuses unless allow-listed.
            ["Outbound:AllowedHosts:0"] = "127.0.0.0/8",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddApplicationServices(configuration)
            .AddInfrastructureServices(configuration, directory, keysRoot: Path.Combine(directory, "user-data"));
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        if (keyRingChecked)
        {
            // As if the start-up check had passed (InitializeDatabaseAsync makes it for real): keys may be created.
            provider.GetRequiredService<Cal.Infrastructure.Security.KeyRingGate>().Open();
        }

        return new InfrastructureHost(provider, directory, logs);
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task InitializeDatabaseAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
    }

    /// <summary>Runs <paramref name="action"/> with services from a new scope (its own DbContext).</summary>
    public async Task<TResult> InScopeAsync<TResult>(Func<IServiceProvider, Task<TResult>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task InScopeAsync(Func<IServiceProvider, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider);
    }

    /// <summary>A plain connection to the database file, outside EF, to check what was really stored.</summary>
    public async Task<SqliteConnection> OpenRawConnectionAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>A fresh directory under the system temp folder, removed (with its SQLite files) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cal-infra-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException) when (attempt < 5)
            {
                Thread.Sleep(100);
            }
        }
    }
}
