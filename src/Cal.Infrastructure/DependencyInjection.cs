using System.Net;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Options;
using Cal.Infrastructure.Calendars.IcsFeeds;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Outbound;
using Cal.Infrastructure.Persistence;
using Cal.Infrastructure.Persistence.Repositories;
using Cal.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Where a fleet's Data Protection keys live in Redis.</summary>
    public const string DataProtectionRedisKey = "cal:data-protection:keys";

    public static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        DatabaseOptions database;
        try
        {
            database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new CalConfigurationException($"Database settings are invalid ({ex.InnerException?.Message ?? ex.Message}); Database:Provider is Sqlite, SqlServer or Postgres.");
        }

        services.AddSingleton(Options.Create(database));
        var storage = StorageLocations.Resolve(database, configuration, contentRoot);
        services.AddSingleton(storage);

        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                var synchronous = new SqliteSynchronousInterceptor(database.SqliteSynchronous);
                services.AddDbContextPool<CalDbContext, SqliteCalDbContext>(o => o.UseSqlite(storage.ConnectionString).AddInterceptors(synchronous));
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<CalDbContext, SqlServerCalDbContext>(o => o.UseSqlServer(storage.ConnectionString));
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<CalDbContext, PostgresCalDbContext>(o => o.UseNpgsql(storage.ConnectionString));
                break;
        }

        services.AddScoped<DatabaseInitializer>();
        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>(DatabaseReadyHealthCheck.Name, tags: ["ready"]);
        services.AddScoped<IUserRepository, UserRepository>();
        services.AddScoped<IApiKeyRepository, ApiKeyRepository>();
        services.AddScoped<ICredentialRepository, CredentialRepository>();
        services.AddScoped<IOAuthClientRepository, OAuthClientRepository>();
        services.AddScoped<IManagedUserTokenRepository, ManagedUserTokenRepository>();
        services.AddSingleton<IPlatformSecrets, PlatformSecrets>();
        services.AddSingleton<IAuthenticationCache, MemoryAuthenticationCache>();

        // Shared by a fleet when Redis is configured: rate-limit counts, the feed cache's second level and
        // (unless DataProtection:KeysPath names a shared folder) the Data Protection keys. Unset: all in this process.
        var dataProtection = services.AddDataProtection().SetApplicationName("Cal");
        if (configuration["Redis:Configuration"] is { Length: > 0 } redis)
        {
            var connection = new Lazy<StackExchange.Redis.IConnectionMultiplexer>(() =>
            {
                var options = StackExchange.Redis.ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false; // start, and reconnect, while Redis is away
                return StackExchange.Redis.ConnectionMultiplexer.Connect(options);
            });
            services.AddSingleton(_ => connection.Value);
            services.AddSingleton<IRateLimitStore, Distributed.RedisRateLimitStore>();
            services.AddStackExchangeRedisCache(o =>
            {
                o.ConnectionMultiplexerFactory = () => Task.FromResult(connection.Value);
                o.InstanceName = "cal:feeds:";
            });
            services.AddSingleton(sp => new FeedCache(
                sp.GetRequiredService<IOptions<FeedCacheOptions>>(),
                sp.GetRequiredService<IDataProtectionProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FeedCache>>(),
                sp.GetRequiredService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>()));
            if (string.IsNullOrWhiteSpace(configuration["DataProtection:KeysPath"]))
            {
                dataProtection.PersistKeysToStackExchangeRedis(() => connection.Value.GetDatabase(), DataProtectionRedisKey);
            }
            else
            {
                dataProtection.PersistKeysToFileSystem(new DirectoryInfo(storage.DataProtectionKeysPath));
            }
        }
        else
        {
            services.AddSingleton<IRateLimitStore, MemoryRateLimitStore>();
            services.AddSingleton<FeedCache>();
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(storage.DataProtectionKeysPath));
        }

        services.AddSingleton<IApiKeyGenerator, ApiKeyGenerator>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();

        services.AddSingleton<IIcsCalendarParser, IcsStreamingChecker>();
        services.AddOptions<FeedCacheOptions>().Bind(configuration.GetSection(FeedCacheOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new FeedIndexingLimiter(sp.GetRequiredService<IOptions<FeedCacheOptions>>().Value.MaxConcurrentIndexing is > 0 and var n ? n : Environment.ProcessorCount));
        services.AddSingleton<FeedIndexer>();
        services.AddTransient<IIcsFeedSource, CachingIcsFeedSource>();
        services.AddSingleton<IValidateOptions<OutboundOptions>, AllowedHostsValidation>();
        services.AddSingleton(sp => OutboundAllowList.Parse(sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowedHosts));
        services.AddSingleton<PolicyCheckedConnector>();
        services.AddSingleton(sp => { var o = sp.GetRequiredService<IOptions<OutboundOptions>>().Value; return new OutboundFetchLimiter(o.MaxConcurrentFetches, o.MaxConcurrentFetchesPerUser); });
        services.AddTransient<IIcsFeedFetcher>(sp => sp.GetRequiredService<IcsFeedFetcher>());
        services.AddHttpClient<IcsFeedFetcher>(IcsFeedFetcher.HttpClientName, (sp, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // The fetcher's own deadline covers the whole exchange.
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Cal-IcsFeed/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // Followed by the fetcher, so each hop is counted and checked.
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = sp.GetRequiredService<IOptions<OutboundOptions>>().Value.FeedTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                UseCookies = false,
                UseProxy = false, // A proxy would make the connect-time address check meaningless.
                MaxResponseDrainSize = 0, // A body left unread (refused, too large) closes the connection rather than being drained.
                ConnectCallback = sp.GetRequiredService<PolicyCheckedConnector>().ConnectAsync,
            })
            .RemoveAllLoggers(); // The factory's default logging writes full request URIs, and feed URLs are secrets.

        return services;
    }
}

/// <summary>Refuses to start with an <c>Outbound:AllowedHosts</c> entry that means nothing.</summary>
internal sealed class AllowedHostsValidation : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        try
        {
            OutboundAllowList.Parse(options.AllowedHosts);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}

/// <summary>Where the database and the Data Protection keys live; keys are kept apart from the database.</summary>
public sealed record StorageLocations(string ConnectionString, string DataProtectionKeysPath)
{
    internal static StorageLocations Resolve(DatabaseOptions database, IConfiguration configuration, string contentRoot)
    {
        var connectionString = configuration.GetConnectionString("Default");
        string defaultKeysPath;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? DatabaseOptions.DefaultSqliteConnectionString : connectionString);
            if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
            {
                // Relative to the content root, so `dotnet run` from anywhere uses one database.
                builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
                Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
            }

            connectionString = builder.ToString();
            defaultKeysPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, contentRoot))!, "keys");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new CalConfigurationException(database.Provider == DatabaseProvider.SqlServer
                    ? "Database:Provider is SqlServer but ConnectionStrings:Default is not set (e.g. ConnectionStrings__Default=\"Server=...;Database=Cal;...\")."
                    : "Database:Provider is Postgres but ConnectionStrings:Default is not set (e.g. ConnectionStrings__Default=\"Host=...;Database=cal;Username=...;Password=...\").");
            }

            try
            {
                // Parsed now, so a connection string for another provider stops start-up with one clear line.
                _ = database.Provider == DatabaseProvider.SqlServer
                    ? (System.Data.Common.DbConnectionStringBuilder)new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString)
                    : new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new CalConfigurationException($"ConnectionStrings:Default is not a {database.Provider} connection string ({ex.Message}).");
            }

            defaultKeysPath = Path.Combine(contentRoot, "App_Data", "keys");
        }

        var keysPath = configuration["DataProtection:KeysPath"];
        keysPath = string.IsNullOrWhiteSpace(keysPath) ? defaultKeysPath : Path.GetFullPath(keysPath, contentRoot);
        return new StorageLocations(connectionString, keysPath);
    }
}
