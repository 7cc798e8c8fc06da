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

    public static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration, string contentRoot) =>
        services.AddInfrastructureServices(configuration, contentRoot, StorageLocations.DefaultKeysRoot());

    /// <param name="keysRoot">The parent of the default key folder (the user's local application data); tests pass their own.</param>
    internal static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration, string contentRoot, string? keysRoot)
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
        var storage = StorageLocations.Resolve(database, configuration, contentRoot, keysRoot);
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

        // Shared by a fleet when Redis is configured: rate-limit counts and the feed cache's second level. The Data Protection
        // key ring is kept with the data it protects (the database) in a fleet, in a folder of its own for one instance, in
        // Redis only by explicit choice (DataProtection:KeyStore): a Redis flush or eviction must never lose every credential.
        var redis = configuration["Redis:Configuration"];
        var keyRing = KeyRingLocation.Resolve(configuration, storage, redisConfigured: !string.IsNullOrWhiteSpace(redis));
        services.AddSingleton(keyRing);
        var dataProtection = services.AddDataProtection().SetApplicationName("Cal");
        Lazy<StackExchange.Redis.IConnectionMultiplexer>? connection = null;
        if (!string.IsNullOrWhiteSpace(redis))
        {
            connection = new Lazy<StackExchange.Redis.IConnectionMultiplexer>(() =>
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
                o.InstanceName = FeedCache.SharedKeyPrefix;
            });
            services.AddSingleton(sp => new Distributed.SharedFeedBudget(connection.Value, sp.GetRequiredService<IOptions<FeedCacheOptions>>(), TimeProvider.System));
            services.AddSingleton(sp => new FeedCache(
                sp.GetRequiredService<IOptions<FeedCacheOptions>>(),
                sp.GetRequiredService<IDataProtectionProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FeedCache>>(),
                sp.GetRequiredService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>(),
                sp.GetRequiredService<Distributed.SharedFeedBudget>()));
        }
        else
        {
            services.AddSingleton<IRateLimitStore, MemoryRateLimitStore>();
            services.AddSingleton<FeedCache>();
        }

        switch (keyRing.Store)
        {
            case KeyStore.Database:
                dataProtection.PersistKeysToDbContext<CalDbContext>();
                break;
            case KeyStore.Redis:
                dataProtection.PersistKeysToStackExchangeRedis(() => connection!.Value.GetDatabase(), DataProtectionRedisKey);
                break;
            default:
                keyRing.PrepareFolder();
                dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keyRing.KeysPath!));
                break;
        }

        services.AddScoped(sp => new KeyRingInitializer(
            keyRing,
            sp.GetRequiredService<IOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(),
            sp.GetRequiredService<CalDbContext>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<KeyRingInitializer>>(),
            connection is null ? null : () => new Microsoft.AspNetCore.DataProtection.StackExchangeRedis.RedisXmlRepository(() => connection.Value.GetDatabase(), DataProtectionRedisKey)));

        services.AddSingleton<IApiKeyGenerator, ApiKeyGenerator>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();

        services.AddSingleton<IIcsCalendarParser, IcsStreamingChecker>();
        services.AddOptions<FeedCacheOptions>().Bind(configuration.GetSection(FeedCacheOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new FeedIndexingLimiter(sp.GetRequiredService<IOptions<FeedCacheOptions>>().Value.MaxConcurrentIndexing is > 0 and var n ? n : Environment.ProcessorCount));
        services.AddSingleton<FeedIndexer>();
        services.AddHostedService<IndexWarmUp>();
        services.AddTransient<IIcsFeedSource, CachingIcsFeedSource>();
        services.AddSingleton<IValidateOptions<OutboundOptions>, AllowedHostsValidation>();
        services.AddSingleton(sp => OutboundAllowList.Parse(sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowedHosts));
        services.AddSingleton<PolicyCheckedConnector>();
        services.AddSingleton(sp => { var o = sp.GetRequiredService<IOptions<OutboundOptions>>().Value; return new OutboundFetchLimiter(o.MaxConcurrentFetches, o.MaxConcurrentFetchesPerUser, o.MaxBytesPerUserPerMinute); });
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

/// <summary>
/// Where the database and (when kept in a folder) the Data Protection keys live. The keys' default folder is the user's own
/// (<c>~/.local/share/Cal/keys</c> on Linux), apart from the database, so a copy or backup of the database's folder does not
/// carry the keys that decrypt it; <see cref="LegacyKeysPath"/> is where earlier versions put them (beside the database).
/// </summary>
public sealed record StorageLocations(string ConnectionString, string DataProtectionKeysPath, string? LegacyKeysPath = null)
{
    /// <summary>Where the default key folder (<c>Cal/keys</c>) goes: the user's local application data, or null when the user has none.</summary>
    internal static string? DefaultKeysRoot()
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrWhiteSpace(data) ? null : data;
    }

    internal static StorageLocations Resolve(DatabaseOptions database, IConfiguration configuration, string contentRoot, string? keysRoot)
    {
        var connectionString = configuration.GetConnectionString("Default");
        string legacyKeysPath;
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
            legacyKeysPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, contentRoot))!, "keys");
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

            legacyKeysPath = Path.Combine(contentRoot, "App_Data", "keys");
        }

        var keysPath = configuration["DataProtection:KeysPath"];
        if (!string.IsNullOrWhiteSpace(keysPath))
        {
            return new StorageLocations(connectionString, Path.GetFullPath(keysPath, contentRoot));
        }

        // Earlier versions' default (beside the database) stays the default only where the user has no folder of their own.
        return keysRoot is null
            ? new StorageLocations(connectionString, legacyKeysPath)
            : new StorageLocations(connectionString, Path.Combine(keysRoot, "Cal", "keys"), legacyKeysPath);
    }
}
