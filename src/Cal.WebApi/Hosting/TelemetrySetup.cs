using Cal.Application.Common.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cal.WebApi.Hosting;

/// <summary>
/// Metrics and traces with OpenTelemetry: ASP.NET Core, HttpClient, EF Core and runtime instrumentation, and Cal's own
/// meter (<see cref="CalMetrics"/>). Exported by OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and
/// scraped by Prometheus at <c>/metrics</c> when <c>Telemetry:Prometheus=true</c> (off by default). Feed URLs are
/// secrets: spans of feed fetches keep only the scheme and host.
/// </summary>
public static class TelemetrySetup
{
    public const string PrometheusSetting = "Telemetry:Prometheus";

    public static IServiceCollection AddCalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var prometheus = configuration.GetValue<bool>(PrometheusSetting);
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!prometheus && !otlp)
        {
            return services;
        }

        var telemetry = services
            .AddOpenTelemetry()
            .ConfigureResource(resource =>
                resource.AddService("cal", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString())
            )
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(CalMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (prometheus)
                {
                    // a scrape shows what happened up to it
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                }
            })
            .WithTracing(tracing =>
                tracing
                    .AddAspNetCoreInstrumentation(o =>
                        o.Filter = context =>
                            !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health")
                    )
                    .AddHttpClientInstrumentation(o =>
                        o.EnrichWithHttpRequestMessage = (activity, request) =>
                        {
                            // Feed URLs carry private tokens in their paths and queries: a span names the host only.
                            if (request.RequestUri is { } uri)
                            {
                                activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority) + "/");
                                activity.SetTag("url.path", null);
                                activity.SetTag("url.query", null);
                                activity.DisplayName = request.Method.Method;
                            }
                        }
                    )
                    .AddEntityFrameworkCoreInstrumentation()
            );
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    public static WebApplication MapCalTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(PrometheusSetting))
        {
            app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableRateLimiting();
        }

        return app;
    }
}
