using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Caching;
using Cal.Infrastructure.Calendars.CalDav;
using Cal.Infrastructure.Calendars.IcsFeeds;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Outbound;
using Cal.Infrastructure.Persistence;
using Cal.Infrastructure.Persistence.Repositories;
using Cal.Infrastructure.RateLimiting;
using Cal.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Cal.Infrastructure;

/// <summary>
/// Infrastructure's adapters, in the pieces a reader looks for: the database (<see cref="AddPersistence"/>), what a fleet
/// shares and the key ring (<see cref="AddFleetStateAndKeyRing"/>), keys and secrets (<see cref="AddSecrets"/>), reading feeds
/// (<see cref="AddFeeds"/>) and fetching them (<see cref="AddOutbound"/>).
/// </summary>
public static class DependencyInjection
{
    /// <summary>Where a fleet's Data Protection keys live in Redis (only with <c>DataProtection:KeyStore=Redis</c>).</summary>
    public const string DataProtectionRedisKey = "cal:data-protection:keys";

    public static IServiceCollection AddInfrastructureServices(
        this IServiceCollection services,
        IConfiguration configuration,
        string contentRoot
    ) => services.AddInfrastructureServices(configuration, contentRoot, StorageLocations.DefaultKeysRoot());

    /// <param name="keysRoot">The parent of the default key folder (the user's local application data); tests pass their own.</param>
    internal static IServiceCollection AddInfrastructureServices(
        this IServiceCollection services,
        IConfiguration configuration,
        string contentRoot,
        string? keysRoot
    )
    {
        var storage = services.AddPersistence(configuration, contentRoot, keysRoot);
        services.AddFleetStateAndKeyRing(configuration, storage);
        services.AddSecrets();
        services
            .AddOptions<ReadModelOptions>()
            .Bind(configuration.GetSection(ReadModelOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IUserCalendarsCache, MemoryUserCalendarsCache>();
        services.AddFeeds(configuration);
        services.AddOutbound(configuration);
        services.AddOutbox();
        services.AddWebhookSending();
        return services;
    }

    /// <summary>The database (SQLite by default, SQL Server or PostgreSQL), its initializer and health check, and the
    /// repositories.</summary>
    private static StorageLocations AddPersistence(
        this IServiceCollection services,
        IConfiguration configuration,
        string contentRoot,
        string? keysRoot
    )
    {
        DatabaseOptions database;
        try
        {
            database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new CalConfigurationException(
                $"Database settings are invalid ({ex.InnerException?.Message ?? ex.Message}); Database:Provider is Sqlite, SqlServer or "
                    + "Postgres."
            );
        }

        services.AddSingleton(Options.Create(database));
        var storage = StorageLocations.Resolve(database, configuration, contentRoot, keysRoot);
        services.AddSingleton(storage);

        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                var synchronous = new SqliteSynchronousInterceptor(database.SqliteSynchronous);
                services.AddDbContextPool<CalDbContext, SqliteCalDbContext>(o =>
                    QuietFailures(o.UseSqlite(storage.ConnectionString).AddInterceptors(synchronous))
                );
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<CalDbContext, SqlServerCalDbContext>(o =>
                    QuietFailures(o.UseSqlServer(storage.ConnectionString))
                );
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<CalDbContext, PostgresCalDbContext>(o => QuietFailures(o.UseNpgsql(storage.ConnectionString)));
                break;
        }

        services.AddRepositories();
        return storage;
    }

    /// <summary>The database's initializer and readiness check, and every repository and store.</summary>
    private static void AddRepositories(this IServiceCollection services)
    {
        services.AddSingleton<SqliteWriteGate>();
        services.AddScoped<DatabaseInitializer>();
        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>(DatabaseReadyHealthCheck.Name, tags: ["ready"]);
        services.AddScoped<IUserRepository, UserRepository>();
        services.AddScoped<IApiKeyRepository, ApiKeyRepository>();
        services.AddScoped<ICredentialRepository, CredentialRepository>();
        services.AddScoped<ISelectedCalendarRepository, SelectedCalendarRepository>();
        services.AddScoped<IScheduleRepository, ScheduleRepository>();
        services.AddScoped<IEventTypeRepository, EventTypeRepository>();
        services.AddScoped<IOAuthClientRepository, OAuthClientRepository>();
        services.AddScoped<IManagedUserTokenRepository, ManagedUserTokenRepository>();
        services.AddScoped<BookingStore>();
        services.AddScoped<Application.Bookings.Common.IBookingStore>(sp => sp.GetRequiredService<BookingStore>());
        services.AddScoped<Application.Bookings.Common.ISlotReservationStore>(sp => sp.GetRequiredService<BookingStore>());
        services.AddScoped<Application.DestinationCalendars.Common.IDestinationCalendarStore, DestinationCalendarStore>();
        services.AddScoped<Application.Webhooks.Common.IWebhookStore, WebhookStore>();
        services.AddScoped<Outbox.OutboxStore>();
    }

    /// <summary>
    /// What a fleet shares through Redis when <c>Redis:Configuration</c> is set (<see cref="AddFleetState"/>), and where the
    /// Data Protection key ring lives (<see cref="AddKeyRing"/>).
    /// </summary>
    private static void AddFleetStateAndKeyRing(this IServiceCollection services, IConfiguration configuration, StorageLocations storage)
    {
        var redis = configuration["Redis:Configuration"];
        var connection = string.IsNullOrWhiteSpace(redis) ? null : RedisConnection(redis);
        services.AddFleetState(configuration, connection);
        services.AddKeyRing(configuration, storage, connection);
    }

    /// <summary>One connection for the process, made when first used; it starts, and reconnects, while Redis is away.</summary>
    private static Lazy<IConnectionMultiplexer> RedisConnection(string redis) =>
        new(() =>
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });

    /// <summary>Rate-limit counts, fleet invalidations and the feed cache: shared through Redis when there is one, else per
    /// instance.</summary>
    private static void AddFleetState(
        this IServiceCollection services,
        IConfiguration configuration,
        Lazy<IConnectionMultiplexer>? connection
    )
    {
        services
            .AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<MemoryRateLimitStore>();
        if (connection is null)
        {
            services.AddSingleton(sp => new FleetInvalidation(null, sp.GetRequiredService<ILogger<FleetInvalidation>>()));
            services.AddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<MemoryRateLimitStore>());
            services.AddSingleton<FeedCache>();
            return;
        }

        services.AddSingleton(_ => connection.Value);
        services.AddSingleton(sp => new RedisGuard(
            connection,
            sp.GetRequiredService<IOptions<RedisOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisGuard>>()
        ));
        services.AddSingleton(sp => new FleetInvalidation(
            sp.GetRequiredService<RedisGuard>(),
            sp.GetRequiredService<ILogger<FleetInvalidation>>()
        ));
        services.AddSingleton<IRateLimitStore, RedisRateLimitStore>();
        services.AddStackExchangeRedisCache(o =>
        {
            o.ConnectionMultiplexerFactory = () => Task.FromResult(connection.Value);
            o.InstanceName = FeedCache.SharedKeyPrefix;
        });
        services.AddSingleton(sp => new SharedFeedBudget(
            sp.GetRequiredService<RedisGuard>(),
            sp.GetRequiredService<IOptions<FeedCacheOptions>>(),
            TimeProvider.System
        ));
        services.AddSingleton(sp => new FeedCache(
            sp.GetRequiredService<IOptions<FeedCacheOptions>>(),
            sp.GetRequiredService<IDataProtectionProvider>(),
            sp.GetRequiredService<ILogger<FeedCache>>(),
            sp.GetRequiredService<IDistributedCache>(),
            sp.GetRequiredService<SharedFeedBudget>(),
            new FleetFeedFetchLocks(sp.GetRequiredService<RedisGuard>()),
            sp.GetRequiredService<RedisGuard>()
        ));
    }

    /// <summary>
    /// The Data Protection key ring, kept with the data it protects (the database) in a fleet, in a folder of its own for one
    /// instance, in Redis only by explicit choice (<c>DataProtection:KeyStore</c>): a Redis flush or eviction must never lose every
    /// credential. No key is created until the start-up check of the key ring has passed (<see cref="KeyRingInitializer"/>).
    /// </summary>
    private static void AddKeyRing(
        this IServiceCollection services,
        IConfiguration configuration,
        StorageLocations storage,
        Lazy<IConnectionMultiplexer>? connection
    )
    {
        var keyRing = KeyRingLocation.Resolve(configuration, storage, redisConfigured: connection is not null);
        services.AddSingleton(keyRing);
        var dataProtection = services.AddDataProtection().SetApplicationName("Cal");
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

        if (KeyCertificate(configuration) is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        services.AddSingleton<KeyRingGate>();
        services
            .AddOptions<KeyManagementOptions>()
            .PostConfigure<KeyRingGate>(
                (o, gate) =>
                {
                    if (o.XmlRepository is { } repository and not GatedXmlRepository)
                    {
                        o.XmlRepository = new GatedXmlRepository(repository, gate);
                    }
                }
            );
        services.AddScoped(sp => new KeyRingInitializer(
            keyRing,
            sp.GetRequiredService<IOptions<KeyManagementOptions>>(),
            sp.GetRequiredService<KeyRingGate>(),
            sp.GetRequiredService<IDataProtectionProvider>(),
            sp.GetRequiredService<CalDbContext>(),
            sp.GetRequiredService<ILogger<KeyRingInitializer>>(),
            connection is null ? null : () => new RedisXmlRepository(() => connection.Value.GetDatabase(), DataProtectionRedisKey)
        ));
    }

    /// <summary>The certificate keys at rest are protected with (a fleet's shared key store): <c>DataProtection:CertificatePath</c>,
    /// PKCS#12.</summary>
    private static X509Certificate2? KeyCertificate(IConfiguration configuration)
    {
        if (configuration[KeyRingLocation.SectionName + ":CertificatePath"] is not { Length: > 0 } certificatePath)
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(
                certificatePath,
                configuration[KeyRingLocation.SectionName + ":CertificatePassword"],
                X509KeyStorageFlags.EphemeralKeySet
            );
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CalConfigurationException(
                $"DataProtection:CertificatePath '{certificatePath}' could not be read as a PKCS#12 certificate with its private key "
                    + $"({ex.GetType().Name}); check the file and DataProtection:CertificatePassword."
            );
        }
    }

    /// <summary>API keys, platform secrets and tokens (as hashes), the authentication cache, and credential encryption.</summary>
    private static void AddSecrets(this IServiceCollection services)
    {
        services.AddSingleton<IPlatformSecrets, PlatformSecrets>();
        services.AddSingleton<IAuthenticationCache, MemoryAuthenticationCache>();
        services.AddHostedService<FleetInvalidationSubscriber>();
        services.AddSingleton<IApiKeyGenerator, ApiKeyGenerator>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<IAccountKeys, HmacAccountKeys>();
    }

    /// <summary>Side effects of bookings: the outbox worker (woken by every commit), its housekeeping, and the event writer.</summary>
    private static void AddOutbox(this IServiceCollection services)
    {
        services.AddSingleton<Outbox.OutboxSignal>();
        services.AddSingleton<Application.Outbox.IOutboxSignal>(sp => sp.GetRequiredService<Outbox.OutboxSignal>());
        services.AddHostedService<Outbox.OutboxWorker>();
        services.AddHostedService<Outbox.BookingsHousekeeping>();
        services.AddSingleton<Application.Bookings.SideEffects.IBookingEventWriter, Calendars.Bookings.IcalNetBookingEventWriter>();
    }

    /// <summary>Reading feeds: the one-pass checker and indexer, its limiter and warm-up, and the cache of indexes.</summary>
    private static void AddFeeds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IIcsFeedChecker, IcsStreamingChecker>();
        services
            .AddOptions<FeedCacheOptions>()
            .Bind(configuration.GetSection(FeedCacheOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => new FeedIndexingLimiter(
            sp.GetRequiredService<IOptions<FeedCacheOptions>>().Value.MaxConcurrentIndexing is > 0 and var n
                ? n
                : Environment.ProcessorCount
        ));
        services.AddSingleton<FeedIndexer>();
        services.AddHostedService<IndexWarmUp>();
        services.AddSingleton<IIcsFeedSource, CachingIcsFeedSource>();
    }

    /// <summary>Fetching feeds: the address policy (checked at connect time), the fetch limiter, and the HTTP client.</summary>
    private static void AddOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<OutboundOptions>()
            .Bind(configuration.GetSection(OutboundOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboundOptions>, AllowedHostsValidation>();
        services.AddSingleton(sp => OutboundAllowList.Parse(sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowedHosts));
        services.AddSingleton<PolicyCheckedConnector>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OutboundOptions>>().Value;
            return new OutboundFetchLimiter(o.MaxConcurrentFetches, o.MaxConcurrentFetchesPerUser, o.MaxBytesPerUserPerMinute);
        });
        // Singletons over named clients: a client per call from the factory (which pools the handler), none per request.
        services.AddSingleton<IcsFeedFetcher>();
        services.AddSingleton<IIcsFeedFetcher>(sp => sp.GetRequiredService<IcsFeedFetcher>());
        services
            .AddHttpClient(
                IcsFeedFetcher.HttpClientName,
                client =>
                {
                    client.Timeout = Timeout.InfiniteTimeSpan; // The fetcher's own deadline covers the whole exchange.
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("Cal-IcsFeed/1.0");
                }
            )
            .ConfigurePrimaryHttpMessageHandler(PolicyCheckedHandler)
            .RemoveAllLoggers(); // The factory's default logging writes full request URIs, and feed URLs are secrets.

        // CalDAV (Apple and any server): the same policy-checked connections, limits and silence about URLs.
        services.AddSingleton<CalDavClient>();
        services.AddSingleton<ICalDavClient>(sp => sp.GetRequiredService<CalDavClient>());
        services.AddSingleton<CalDavCalendarCache>();
        services.AddSingleton<ICalDavCalendars>(sp => sp.GetRequiredService<CalDavCalendarCache>());
        services.AddSingleton<CalDavWarmUp>();
        services.AddSingleton<ICalDavWarmUp>(sp => sp.GetRequiredService<CalDavWarmUp>());
        services.AddHostedService(sp => sp.GetRequiredService<CalDavWarmUp>());
        services
            .AddHttpClient(
                CalDavClient.HttpClientName,
                client =>
                {
                    client.Timeout = Timeout.InfiniteTimeSpan; // The client's own deadline covers each call.
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("Cal-CalDav/1.0");
                }
            )
            .ConfigurePrimaryHttpMessageHandler(PolicyCheckedHandler)
            .RemoveAllLoggers();
    }

    /// <summary>Webhook deliveries: the same policy-checked connections (never redirected), checked again as URLs are saved.</summary>
    private static void AddWebhookSending(this IServiceCollection services)
    {
        services.AddSingleton<Application.Webhooks.Common.ISubscriberUrlPolicy, SubscriberUrlPolicy>();
        services.AddSingleton<Application.Webhooks.Common.IWebhookSender, WebhookSender>();
        services
            .AddHttpClient(
                WebhookSender.HttpClientName,
                client =>
                {
                    client.Timeout = Timeout.InfiniteTimeSpan; // The sender's own deadline covers each attempt.
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("Cal-Webhooks/1.0");
                }
            )
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var handler = PolicyCheckedHandler(sp);
                handler.AutomaticDecompression = DecompressionMethods.None; // the answer is not read for its content
                handler.MaxConnectionsPerServer = 64;
                return handler;
            })
            .RemoveAllLoggers(); // subscriber URLs may carry tokens
    }

    /// <summary>
    /// The handler of every outbound client to user-chosen hosts: connections through <see cref="PolicyCheckedConnector"/>,
    /// redirects left to the caller (each hop counted and re-checked), no proxy, no cookies, no draining of refused bodies.
    /// </summary>
    private static SocketsHttpHandler PolicyCheckedHandler(IServiceProvider sp) =>
        new()
        {
            AllowAutoRedirect = false, // Followed by the caller, so each hop is counted and checked.
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = sp.GetRequiredService<IOptions<OutboundOptions>>().Value.FeedTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseCookies = false,
            UseProxy = false, // A proxy would make the connect-time address check meaningless.
            MaxResponseDrainSize = 0, // A body left unread (refused, too large) closes the connection rather than being drained.
            ConnectCallback = sp.GetRequiredService<PolicyCheckedConnector>().ConnectAsync,
        };

    /// <summary>
    /// EF Core logs every failed command and save at Error with its stack trace, also the ones Cal expects and answers
    /// (a unique-index violation that becomes a 409, a database that is down and becomes a 503). Cal logs what matters
    /// itself (an unhandled exception at Error, a database fault at Warning, a background pass that failed), so EF's own
    /// copies go to Debug: an operator's Error is a real one.
    /// </summary>
    private static DbContextOptionsBuilder QuietFailures(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w =>
            w.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug)
            )
        );
}
