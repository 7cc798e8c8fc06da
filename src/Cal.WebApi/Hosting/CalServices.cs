using System.Globalization;
using Cal.Application;
using Cal.Application.Common.Behaviours;
using Cal.Infrastructure;
using Cal.Infrastructure.Persistence;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Cal.WebApi.Hosting;

/// <summary>The composition root shared by the web server and the admin commands.</summary>
public static class CalServices
{
    /// <summary>Serilog's console template, for the readable text of Development.</summary>
    private const string ReadableTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static IServiceCollection AddCal(
        this IServiceCollection services,
        IConfiguration configuration,
        IHostEnvironment environment,
        TextWriter? logTo
    )
    {
        services.AddApplicationServices(configuration);
        services.AddInfrastructureServices(configuration, environment.ContentRootPath);
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>), typeof(CalendarsChangedBehaviour<,>)];
        });

        // Levels come from the "Serilog" section; the sink is chosen here: readable text in Development, compact JSON elsewhere;
        // standard output for the server, the writer given for admin commands (their standard error, so that standard output
        // carries only their result; a test's own writer when a test runs them).
        services.AddSerilog(
            (sp, logger) =>
            {
                logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext();
                var development = environment.IsDevelopment();
                if (logTo is null && development)
                {
                    logger.WriteTo.Console(formatProvider: CultureInfo.InvariantCulture);
                }
                else if (logTo is null)
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter());
                }
                else
                {
                    ITextFormatter formatter = development
                        ? new MessageTemplateTextFormatter(ReadableTemplate, CultureInfo.InvariantCulture)
                        : new RenderedCompactJsonFormatter();
                    logger.WriteTo.Sink(new WriterSink(logTo, formatter));
                }
            },
            preserveStaticLogger: true,
            writeToProviders: true
        );
        return services;
    }
}

/// <summary>Serilog's formatters writing to a given writer, one event at a time (Serilog 4 has no writer sink of its own).</summary>
internal sealed class WriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        lock (writer)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}

/// <summary>Creates and migrates the database before the server takes requests.</summary>
public sealed class DatabaseInitializerHostedService(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
