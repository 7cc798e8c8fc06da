using System.Threading.RateLimiting;
using Cal.Application.Common.Telemetry;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Cal.WebApi.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Serilog;

namespace Cal.WebApi.Hosting;

public static class CalWebApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();

        // Where it listens is .NET's standard business (--urls, ASPNETCORE_URLS / DOTNET_URLS, ASPNETCORE_HTTP_PORTS /
        // HTTPS_PORTS, Kestrel:Endpoints, in their usual precedence). Only when none of them says anything does Cal pick
        // its documented default, http://localhost:5080 (for dotnet run and the built server alike); appsettings.json
        // names no address, so it never outranks the environment. (A launch profile would: dotnet run applies it over
        // ASPNETCORE_URLS, and prints a line into admin commands' output.)
        if (!ListensSomewhere(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.Services.AddCal(builder.Configuration, builder.Environment, logTo: null);
        // First of the hosted services: the database and the key ring are checked before anything else starts (Data
        // Protection's own start-up work would create a key in a ring the check may yet refuse).
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseInitializerHostedService>());

        // On shutdown, in-flight saves finish: the grace period is the longest a save can take, plus a margin.
        builder
            .Services.AddOptions<HostOptions>()
            .Configure<IOptions<Cal.Application.Calendars.IcsFeeds.Common.IcsFeedSaveOptions>>(
                (host, outbound) => host.ShutdownTimeout = outbound.Value.SaveTimeout + TimeSpan.FromSeconds(5)
            );

        builder.Services.AddCalControllers();
        builder.Services.AddCalAuthentication();
        builder.Services.AddCalCors(builder.Configuration);
        builder.Services.AddCalRateLimiting(builder.Configuration);
        builder.Services.AddCalOpenApi();
        builder.Services.AddCalTelemetry(builder.Configuration);
        var behindProxies = builder.Services.AddCalForwardedHeaders(builder.Configuration);

        var app = builder.Build();
        app.UseCalPipeline(behindProxies);
        return app;
    }

    private static readonly Func<object, Task> WriteRequestId = state =>
    {
        var context = (HttpContext)state;
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        return Task.CompletedTask;
    };

    /// <summary>Where Cal listens when nothing says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    private static bool ListensSomewhere(ConfigurationManager configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>MVC controllers, the error envelope for everything that fails, JSON and query strings only.</summary>
    public static IServiceCollection AddCalControllers(this IServiceCollection services)
    {
        services.AddSingleton<ErrorEnvelopeWriter>();
        services.AddExceptionHandler<CalExceptionHandler>();
        services
            .AddControllers(o =>
            {
                // Cal takes JSON bodies and query strings only. The form value providers read any form body
                // sent along (even to a GET) and throw on bracket keys they cannot parse: a 500 the API fuzzer found.
                foreach (
                    var form in o
                        .ValueProviderFactories.Where(f =>
                            f
                                is Microsoft.AspNetCore.Mvc.ModelBinding.JQueryFormValueProviderFactory
                                    or Microsoft.AspNetCore.Mvc.ModelBinding.FormValueProviderFactory
                                    or Microsoft.AspNetCore.Mvc.ModelBinding.FormFileValueProviderFactory
                        )
                        .ToList()
                )
                {
                    o.ValueProviderFactories.Remove(form);
                }
            })
            .AddJsonOptions(o =>
            {
                // cal.com's dates: ...ss.fffZ, always.
                o.JsonSerializerOptions.Converters.Add(new JsTimestampConverter());
                o.JsonSerializerOptions.Converters.Add(new JsInstantConverter());
            })
            .ConfigureApiBehaviorOptions(o =>
            {
                o.InvalidModelStateResponseFactory = ModelStateEnvelope.Create;

                // No ProblemDetails bodies for MVC's own refusals (415 from [Consumes], 404s): they stay bodiless
                // and the status-code pages below give them the envelope. (Found by the API fuzzer.)
                o.SuppressMapClientErrors = true;
            });
        return services;
    }

    /// <summary>
    /// CORS as cal.com serves it: any origin by default (<c>Cors:AllowedOrigins</c> narrows it), the headers its clients
    /// send, the rate-limit headers exposed. Bearer tokens travel in a header, so no credentials (cookies) are allowed.
    /// </summary>
    public static IServiceCollection AddCalCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() is { Length: > 0 } configured ? configured : ["*"];
        services.AddCors(o =>
            o.AddDefaultPolicy(policy =>
            {
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins(origins);
                }

                policy
                    .AllowAnyMethod()
                    .WithHeaders(
                        "Authorization",
                        "Content-Type",
                        PlatformHeaders.SecretKey,
                        PlatformHeaders.ClientId,
                        "cal-api-version",
                        "X-Request-Id"
                    )
                    .WithExposedHeaders(
                        "X-RateLimit-Limit",
                        "X-RateLimit-Remaining",
                        "X-RateLimit-Reset",
                        "X-RateLimit-Limit-Default",
                        "X-RateLimit-Remaining-Default",
                        "X-RateLimit-Reset-Default",
                        "Retry-After",
                        "X-Request-Id"
                    )
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            })
        );
        return services;
    }

    private static class PlatformHeaders
    {
        public const string SecretKey = OAuthClientAuthenticationHandler.SecretHeader;
        public const string ClientId = "x-cal-client-id";
    }

    /// <summary>Cal's rate limiter (<see cref="CalRateLimiter"/>) as ASP.NET Core's global limiter, its refusals in the envelope.</summary>
    public static IServiceCollection AddCalRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<RateLimitingOptions>()
            .Bind(configuration.GetSection(RateLimitingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<CalRateLimiter>();
        services.AddRateLimiter(_ => { });
        services
            .AddOptions<RateLimiterOptions>()
            .Configure<CalRateLimiter>(
                (o, limiter) =>
                {
                    o.GlobalLimiter = limiter;
                    o.OnRejected = async (context, cancellationToken) =>
                    {
                        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)wait.TotalSeconds : 1;
                        CalMetrics.RateLimitRejections.Count("caller", CalRateLimiter.CallerKind(context.HttpContext));
                        context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(
                            System.Globalization.CultureInfo.InvariantCulture
                        );
                        await context
                            .HttpContext.RequestServices.GetRequiredService<ErrorEnvelopeWriter>()
                            .WriteAsync(
                                context.HttpContext,
                                StatusCodes.Status429TooManyRequests,
                                $"Too many requests: retry after {retryAfter} seconds."
                            );
                    };
                }
            );
        return services;
    }

    /// <summary>
    /// Behind a load balancer every request comes from the balancer's address: trust X-Forwarded-For from the proxies
    /// named in <c>ForwardedHeaders:KnownProxies</c> (single addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR
    /// ranges, for a pool of balancers), and only from them, so the per-IP rate limit sees the client.
    /// </summary>
    /// <returns>Whether any proxy is known (then <see cref="UseCalPipeline"/> reads the header).</returns>
    public static bool AddCalForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var knownProxies = (configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            .Select(proxy =>
                System.Net.IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new Cal.Infrastructure.CalConfigurationException(
                        $"ForwardedHeaders:KnownProxies entry '{proxy}' is not an IP address."
                    )
            )
            .ToList();
        var knownNetworks = (configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            .Select(network =>
                System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new Cal.Infrastructure.CalConfigurationException(
                        $"ForwardedHeaders:KnownNetworks entry '{network}' is not a CIDR range such as 10.0.0.0/24."
                    )
            )
            .ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            knownProxies.ForEach(o.KnownProxies.Add);
            knownNetworks.ForEach(o.KnownIPNetworks.Add);
        });

        return knownProxies.Count > 0 || knownNetworks.Count > 0;
    }

    /// <summary>A caller's own request id is kept when it is a sane token, so its logs and ours line up.</summary>
    private static Task KeepRequestId(HttpContext context, RequestDelegate next)
    {
        if (RequestIds.AcceptIncoming(context.Request.Headers["X-Request-Id"]) is { } incoming)
        {
            context.TraceIdentifier = incoming;
        }

        // Set as the response starts: the exception handler clears headers set earlier. (No closure: every request.)
        context.Response.OnStarting(WriteRequestId, context);
        return next(context);
    }

    /// <summary>One line per request: method, route template (never the path or query), status and time, with its request id.</summary>
    private static void UseCalRequestLogging(this WebApplication app) =>
        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger, not the static one (several hosts can share a process, e.g. in tests).
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.MessageTemplate = "HTTP {RequestMethod} {RouteTemplate} responded {StatusCode} in {Elapsed:0.0000} ms";
            o.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("RequestId", context.TraceIdentifier);

                // The route template, not the path: ids in paths stay out of log cardinality, and query strings are never logged.
                diagnostics.Set(
                    "RouteTemplate",
                    (context.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? "(no route)"
                );
            };
        });

    /// <summary>The middleware, in order: forwarded headers, request ids, request logging, errors, authentication, rate limiting (which
    /// adds its headers), authorization, endpoints.</summary>
    public static WebApplication UseCalPipeline(this WebApplication app, bool behindProxies)
    {
        if (behindProxies)
        {
            app.UseForwardedHeaders();
        }

        app.Use(KeepRequestId);
        app.UseCalRequestLogging();
        app.UseExceptionHandler(
            new ExceptionHandlerOptions
            {
                // Reached only if no IExceptionHandler took the exception.
                ExceptionHandler = context => context.RequestServices.GetRequiredService<ErrorEnvelopeWriter>().WriteAsync(context, 500),
            }
        );

        // Framework answers with no body (unknown route, wrong method, wrong content type) get the envelope too.
        app.UseStatusCodePages(context =>
            context
                .HttpContext.RequestServices.GetRequiredService<ErrorEnvelopeWriter>()
                .WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode)
        );

        // Authentication first, so the limiter partitions by API key or token; unauthenticated requests
        // (and bad tokens) are limited by client IP before authorization refuses them.
        // Browsers (cal.com's platform "atoms"): preflights are answered here, before authentication and the limiter.
        app.UseCors();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapControllers();
        app.MapCalOpenApi();
        app.MapCalTelemetry();

        // Unauthenticated: live means the process answers; ready means the database is reachable and migrated.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") })
            .AllowAnonymous()
            .DisableRateLimiting();
        return app;
    }
}
